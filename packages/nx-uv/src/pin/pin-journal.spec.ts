import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { makeTempDir, writeTree } from '../testing/tools';
import {
  isPinRestoreFailure,
  PinRestoreError,
  defaultJournalDir,
  hasJournal,
  pinChanges,
  pinFiles,
  readJournal,
  restorePins,
  withPins,
  type FileChange,
  type PinJournal,
} from './pin-journal';
import type { PinPlan } from './plan';

const A_TOML = '# a\r\n[project]\r\nname = "pkg-a"\r\nversion = "2.0.0"\r\ndependencies = [\r\n  "pkg-b>=1",  # keep me\r\n]\r\n';
const C_TOML = "[project]\nname = 'pkg-c'\nversion = '0.1.0'\ndependencies = ['pkg-b[x] ; python_version > \"3\"']\n# 😀 end\n";
const PLANS: PinPlan[] = [
  { member: 'pkg-a', file: 'a/pyproject.toml', pins: [{ keyPath: ['project', 'dependencies'], target: 'pkg-b', from: 'pkg-b>=1', to: 'pkg-b==1.3.0' }] },
  {
    member: 'pkg-c',
    file: 'c/pyproject.toml',
    pins: [
      {
        keyPath: ['project', 'dependencies'],
        target: 'pkg-b',
        from: 'pkg-b[x] ; python_version > "3"',
        to: 'pkg-b[x]==1.3.0; python_version > "3"',
      },
    ],
  },
];
const A_PINNED = A_TOML.replace('"pkg-b>=1"', '"pkg-b==1.3.0"');
const C_PINNED = C_TOML.replace(`'pkg-b[x] ; python_version > "3"'`, `'pkg-b[x]==1.3.0; python_version > "3"'`);

let tmp: { dir: string; cleanup: () => void };
let root: string;
let journalDir: string;
const read = (rel: string) => fs.readFileSync(path.join(root, rel), 'utf8');

beforeEach(() => {
  tmp = makeTempDir('nx-uv-pin-');
  root = tmp.dir;
  journalDir = defaultJournalDir(root);
  writeTree(root, { 'a/pyproject.toml': A_TOML, 'c/pyproject.toml': C_TOML, 'b/pyproject.toml': '[project]\nname="pkg-b"\n' });
  fs.chmodSync(path.join(root, 'a/pyproject.toml'), 0o640);
});
afterEach(() => tmp.cleanup());

function noStrayTemps(): void {
  for (const d of ['a', 'c', '.nx-uv/pin-journal']) {
    const p = path.join(root, d);
    if (fs.existsSync(p)) expect(fs.readdirSync(p).filter((n) => n.includes('nx-uv-tmp'))).toEqual([]);
  }
}

describe('pinFiles / restorePins', () => {
  it('journals the originals, pins, and restores byte for byte', () => {
    const journal = pinFiles(journalDir, pinChanges(root, PLANS))!;
    expect(read('a/pyproject.toml')).toBe(A_PINNED);
    expect(read('c/pyproject.toml')).toBe(C_PINNED);
    expect(fs.statSync(path.join(root, 'a/pyproject.toml')).mode & 0o777).toBe(0o640);
    expect(hasJournal(journalDir)).toBe(true);

    const onDisk = JSON.parse(fs.readFileSync(path.join(journalDir, `${journal.id}.json`), 'utf8')) as PinJournal;
    expect(onDisk.format).toBe('nx-uv-pin-journal/1');
    expect(onDisk.pid).toBe(process.pid);
    expect(onDisk.hostname).toBe(os.hostname());
    expect(Number.isNaN(Date.parse(onDisk.startedAt))).toBe(false);
    expect(onDisk.files.map((f) => f.file)).toEqual([path.join(root, 'a/pyproject.toml'), path.join(root, 'c/pyproject.toml')]);
    expect(Buffer.from(onDisk.files[0].original, 'base64').toString('utf8')).toBe(A_TOML);
    expect(onDisk.files[0].sha256Original).toMatch(/^[0-9a-f]{64}$/);
    expect(onDisk.files[0].sha256Pinned).not.toBe(onDisk.files[0].sha256Original);

    const report = restorePins(journalDir);
    expect(report.restored).toEqual(onDisk.files.map((f) => f.file));
    expect(report.entries).toEqual([journal.id]);
    expect(read('a/pyproject.toml')).toBe(A_TOML);
    expect(read('c/pyproject.toml')).toBe(C_TOML);
    expect(fs.statSync(path.join(root, 'a/pyproject.toml')).mode & 0o777).toBe(0o640);
    expect(hasJournal(journalDir)).toBe(false);
    expect(fs.readdirSync(journalDir)).toEqual([]);
    noStrayTemps();
  });

  it('writes nothing when a transform fails, and no journal when nothing changes', () => {
    const failing: FileChange[] = [
      ...pinChanges(root, PLANS.slice(0, 1)),
      {
        path: path.join(root, 'c/pyproject.toml'),
        transform: () => {
          throw new Error('boom');
        },
      },
    ];
    expect(() => pinFiles(journalDir, failing)).toThrow('boom');
    expect(read('a/pyproject.toml')).toBe(A_TOML);
    expect(hasJournal(journalDir)).toBe(false);
    expect(pinFiles(journalDir, [{ path: path.join(root, 'a/pyproject.toml'), transform: (t) => t }])).toBeUndefined();
    expect(hasJournal(journalDir)).toBe(false);
  });

  it('restores nothing over a file the user changed, restores the rest, and says what to do', () => {
    const journal = pinFiles(journalDir, pinChanges(root, PLANS))!;
    const edited = A_PINNED + '# my edit\n';
    fs.writeFileSync(path.join(root, 'a/pyproject.toml'), edited);
    let err: PinRestoreError | undefined;
    try {
      restorePins(journalDir);
    } catch (e) {
      err = e as PinRestoreError;
    }
    expect(err).toBeInstanceOf(PinRestoreError);
    const aFile = path.join(root, 'a/pyproject.toml');
    expect(err!.message).toContain(`${aFile}: changed after nx-uv pinned it`);
    expect(err!.message).toContain(`delete ${path.join(journalDir, `${journal.id}.json`)}`);
    expect(err!.report.restored).toEqual([path.join(root, 'c/pyproject.toml')]);
    expect(read('a/pyproject.toml')).toBe(edited); // not clobbered
    expect(read('c/pyproject.toml')).toBe(C_TOML); // the other one is back
    expect(fs.readFileSync(err!.conflicts[0].originalCopy, 'utf8')).toBe(A_TOML);
    // The entry now holds only the conflicting file.
    expect(readJournal(journalDir).map((j) => j.files.map((f) => f.file))).toEqual([[aFile]]);

    // The user puts the pinned bytes back: the next restore completes.
    fs.writeFileSync(aFile, A_PINNED);
    expect(restorePins(journalDir).restored).toEqual([aFile]);
    expect(read('a/pyproject.toml')).toBe(A_TOML);
    expect(fs.readdirSync(journalDir)).toEqual([]);
  });

  it('treats a deleted pinned file as a conflict', () => {
    pinFiles(journalDir, pinChanges(root, PLANS));
    fs.rmSync(path.join(root, 'c/pyproject.toml'));
    expect(() => restorePins(journalDir)).toThrow(/c\/pyproject\.toml: deleted after nx-uv pinned it/);
    expect(read('a/pyproject.toml')).toBe(A_TOML);
    expect(fs.existsSync(path.join(root, 'c/pyproject.toml'))).toBe(false);
  });

  it('refuses to pin a file another live entry holds; leftovers of dead processes are restored first by withPins', async () => {
    const journal = pinFiles(journalDir, pinChanges(root, PLANS))!;
    // Pretend the entry belongs to another running process (our parent).
    const entryFile = path.join(journalDir, `${journal.id}.json`);
    const asParent = { ...journal, pid: process.ppid };
    fs.writeFileSync(entryFile, JSON.stringify(asParent));
    expect(() => pinFiles(journalDir, pinChanges(root, PLANS.slice(0, 1)), { id: 'other' })).toThrow(
      new RegExp(`a/pyproject\\.toml is being pinned by running process ${process.ppid}`),
    );
    expect(restorePins(journalDir, { onlyAbandoned: true }).entries).toEqual([]);
    expect(read('a/pyproject.toml')).toBe(A_PINNED);

    // Now its process is gone (a pid that cannot exist): withPins restores it before pinning again.
    fs.writeFileSync(entryFile, JSON.stringify({ ...journal, pid: 2 ** 22 + 12345 }));
    const seen = await withPins(journalDir, pinChanges(root, PLANS.slice(0, 1)), (j) => {
      expect(readJournal(journalDir).map((e) => e.id)).toEqual([j!.id]);
      return [read('a/pyproject.toml'), read('c/pyproject.toml')];
    });
    expect(seen).toEqual([A_PINNED, C_TOML]);
    expect(read('a/pyproject.toml')).toBe(A_TOML);
    expect(read('c/pyproject.toml')).toBe(C_TOML);
    expect(hasJournal(journalDir)).toBe(false);
  });

  it('keeps persistent pins through withPins and until an explicit restore', async () => {
    pinFiles(journalDir, pinChanges(root, PLANS), { persistent: true, id: 'kept' });
    await withPins(journalDir, pinChanges(root, PLANS), (j) => {
      expect(j).toBeUndefined(); // already pinned: nothing to change
      expect(read('a/pyproject.toml')).toBe(A_PINNED);
    });
    expect(read('a/pyproject.toml')).toBe(A_PINNED);
    expect(restorePins(journalDir, { onlyAbandoned: true }).entries).toEqual([]);
    expect(restorePins(journalDir).entries).toEqual(['kept']);
    expect(read('a/pyproject.toml')).toBe(A_TOML);
  });
});

describe('withPins', () => {
  it('pins during fn and restores after success', async () => {
    const result = await withPins(journalDir, pinChanges(root, PLANS), async () => {
      expect(hasJournal(journalDir)).toBe(true);
      return read('a/pyproject.toml') + read('c/pyproject.toml');
    });
    expect(result).toBe(A_PINNED + C_PINNED);
    expect(read('a/pyproject.toml')).toBe(A_TOML);
    expect(read('c/pyproject.toml')).toBe(C_TOML);
    expect(hasJournal(journalDir)).toBe(false);
    expect(process.listenerCount('SIGINT')).toBe(0);
    expect(process.listenerCount('exit')).toBe(0);
  });

  it('restores when fn throws and rethrows its error', async () => {
    await expect(
      withPins(journalDir, pinChanges(root, PLANS), async () => {
        expect(read('c/pyproject.toml')).toBe(C_PINNED);
        throw new Error('uv build failed');
      }),
    ).rejects.toThrow('uv build failed');
    expect(read('a/pyproject.toml')).toBe(A_TOML);
    expect(read('c/pyproject.toml')).toBe(C_TOML);
    expect(hasJournal(journalDir)).toBe(false);
    expect(process.listenerCount('SIGTERM')).toBe(0);
  });

  it('reports a restore conflict together with the error of fn, recognisably as a restore failure (typed, not by its text)', async () => {
    const error = await withPins(journalDir, pinChanges(root, PLANS), async () => {
      fs.appendFileSync(path.join(root, 'a/pyproject.toml'), '# user edit\n');
      throw new Error('uv build failed');
    }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/changed after nx-uv pinned it[\s\S]*while handling an earlier error: uv build failed/);
    expect(isPinRestoreFailure(error)).toBe(true);
    expect(isPinRestoreFailure(new Error('while handling an earlier error: x'))).toBe(false);
    expect(read('c/pyproject.toml')).toBe(C_TOML);
  });
});
