/**
 * Crash safety with a real SIGKILL: a child node process runs the pin journal (compiled from these
 * sources at test time), is paused at a chosen step through the journal's onStep listener, and killed with
 * SIGKILL. The test process then restores and checks every file is byte-for-byte the original.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import { makeTempDir, repoRoot, writeTree } from '../testing/tools';
import { defaultJournalDir, hasJournal, pinChanges, pinFiles, readJournal, restorePins, withPins } from './pin-journal';
import { applyPins, type PinPlan } from './plan';

const SRC = path.resolve(__dirname, '..');

/** Transpiles src/pin, src/toml and the top-level modules they use (not specs) to CommonJS in `outDir`. */
function compile(outDir: string): void {
  const files: [string, string][] = [
    ['.', 'process-temp.ts'],
    ['.', 'file-lock.ts'],
  ];
  for (const sub of ['pin', 'toml']) {
    for (const name of fs.readdirSync(path.join(SRC, sub))) files.push([sub, name]);
  }
  for (const [sub, name] of files) {
    if (!name.endsWith('.ts') || name.endsWith('.spec.ts')) continue;
    fs.mkdirSync(path.join(outDir, sub), { recursive: true });
    const source = fs.readFileSync(path.join(SRC, sub, name), 'utf8');
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
      fileName: name,
    });
    fs.writeFileSync(path.join(outDir, sub, name.replace(/\.ts$/, '.js')), outputText);
  }
}

// Three members with ugly bytes: CRLF, tabs, comments, unicode, no final newline.
const ORIGINALS: Record<string, string> = {
  'packages/a/pyproject.toml': '# ✓ a\r\n[project]\r\nname = "a"\r\ndependencies = [\r\n\t"b >= 1.0",  # b\r\n\t"requests",\r\n]\r\n',
  'packages/c/pyproject.toml':
    "[project]\nname = 'c'\ndependencies = ['b[x]>=1 ; python_version >= \"3.9\"', 'a']\n[project.optional-dependencies]\ncli = [\n  'a @ file:///ws/packages/a',  # url\n]",
  'packages/d/pyproject.toml': '[project]\nname = "d"\ndependencies = ["c~=0.1"] # 😀\n',
};
const PLANS: PinPlan[] = [
  { member: 'a', file: 'packages/a/pyproject.toml', pins: [{ keyPath: ['project', 'dependencies'], target: 'b', from: 'b >= 1.0', to: 'b==1.3.0' }] },
  {
    member: 'c',
    file: 'packages/c/pyproject.toml',
    pins: [
      { keyPath: ['project', 'dependencies'], target: 'b', from: 'b[x]>=1 ; python_version >= "3.9"', to: 'b[x]==1.3.0; python_version >= "3.9"' },
      { keyPath: ['project', 'dependencies'], target: 'a', from: 'a', to: 'a==2.0.0' },
      { keyPath: ['project', 'optional-dependencies', 'cli'], target: 'a', from: 'a @ file:///ws/packages/a', to: 'a==2.0.0' },
    ],
  },
  { member: 'd', file: 'packages/d/pyproject.toml', pins: [{ keyPath: ['project', 'dependencies'], target: 'c', from: 'c~=0.1', to: 'c==0.1.5' }] },
];
const PINNED: Record<string, string> = Object.fromEntries(PLANS.map((p) => [p.file, applyPins(ORIGINALS[p.file], p.pins, p.file)]));
const FILES = PLANS.map((p) => p.file);

let compiled: { dir: string; cleanup: () => void };
beforeAll(() => {
  compiled = makeTempDir('nx-uv-pin-compiled-');
  compile(compiled.dir);
});
afterAll(() => compiled.cleanup());

let ws: { dir: string; cleanup: () => void };
let journalDir: string;
const children: ChildProcess[] = [];
beforeEach(() => {
  ws = makeTempDir('nx-uv-sigkill-');
  writeTree(ws.dir, ORIGINALS);
  journalDir = defaultJournalDir(ws.dir);
});
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  ws.cleanup();
});

const bytes = (rel: string) => fs.readFileSync(path.join(ws.dir, rel));
const state = () => FILES.map((f) => (bytes(f).equals(Buffer.from(ORIGINALS[f])) ? 'original' : bytes(f).equals(Buffer.from(PINNED[f])) ? 'pinned' : 'other'));

/** Starts the child, resolves when it announces `step` (paused there). */
function startPausedAt(action: 'pin' | 'restore', step: string): Promise<ChildProcess> {
  const spec = { action, absRoot: ws.dir, journalDir, plans: PLANS, pauseAt: step };
  const child = spawn(process.execPath, [path.join(__dirname, '__fixtures__', 'pin-child.js'), compiled.dir, JSON.stringify(spec)], {
    env: { ...process.env, NODE_PATH: path.join(repoRoot, 'node_modules') },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => reject(new Error(`child never reached ${step}: ${err}`)), 20_000);
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.includes(`nx-uv-test-pin-paused ${step}\n`)) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`child exited (${code ?? signal}) before ${step}: ${err}`));
    });
  });
}

function sigkill(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', (_code, signal) => {
      expect(signal).toBe('SIGKILL');
      resolve();
    });
    child.kill('SIGKILL');
  });
}

function expectAllOriginalAndClean(): void {
  for (const f of FILES) expect(bytes(f).equals(Buffer.from(ORIGINALS[f], 'utf8'))).toBe(true);
  expect(hasJournal(journalDir)).toBe(false);
  expect(fs.existsSync(journalDir) ? fs.readdirSync(journalDir) : []).toEqual([]);
  for (const f of FILES) {
    expect(fs.readdirSync(path.dirname(path.join(ws.dir, f))).filter((n) => n.includes('nx-uv-tmp'))).toEqual([]);
  }
}

describe('SIGKILL while pinning', () => {
  it.each([
    // step,          files seen before the kill,                 journal, a temp file of file i
    ['journal-temp', ['original', 'original', 'original'], false, undefined],
    ['journal', ['original', 'original', 'original'], true, undefined],
    ['temp:0', ['original', 'original', 'original'], true, 0],
    ['file:0', ['pinned', 'original', 'original'], true, undefined],
    ['temp:1', ['pinned', 'original', 'original'], true, 1],
    ['file:1', ['pinned', 'pinned', 'original'], true, undefined],
    ['pinned', ['pinned', 'pinned', 'pinned'], true, undefined],
  ] as const)('killed at %s: restorePins brings every byte back', async (step, before, journal, tempOf) => {
    const child = await startPausedAt('pin', step);
    expect(state()).toEqual(before);
    expect(hasJournal(journalDir)).toBe(journal);
    if (tempOf !== undefined) {
      const dir = path.dirname(path.join(ws.dir, FILES[tempOf]));
      expect(fs.readdirSync(dir).filter((n) => n.includes('nx-uv-tmp'))).toHaveLength(1);
    }
    await sigkill(child);
    // The child held the lock at every one of these steps: the lock it left must not block us.
    expect(fs.existsSync(path.join(journalDir, '.lock'))).toBe(true);
    restorePins(journalDir);
    expectAllOriginalAndClean();
  });

  it('killed while fn runs: the entry is live until the kill, then the next withPins restores it first', async () => {
    const child = await startPausedAt('pin', 'fn');
    expect(state()).toEqual(['pinned', 'pinned', 'pinned']);
    const [entry] = readJournal(journalDir);
    expect(entry.pid).toBe(child.pid);
    // While the child lives: not a leftover, and its files cannot be pinned by anyone else.
    expect(restorePins(journalDir, { onlyAbandoned: true }).entries).toEqual([]);
    expect(() => pinFiles(journalDir, pinChanges(ws.dir, PLANS.slice(2)))).toThrow(/being pinned by running process/);
    expect(state()).toEqual(['pinned', 'pinned', 'pinned']);

    await sigkill(child);
    const during = await withPins(journalDir, pinChanges(ws.dir, PLANS.slice(0, 1)), () => state());
    // The leftover was restored before pinning only `a` again.
    expect(during).toEqual(['pinned', 'original', 'original']);
    expectAllOriginalAndClean();
  });

  it('SIGTERM while fn runs: the signal handler restores before the process dies of the signal', async () => {
    const child = await startPausedAt('pin', 'fn');
    expect(state()).toEqual(['pinned', 'pinned', 'pinned']);
    const died = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_c, signal) => resolve(signal)));
    child.kill('SIGTERM');
    expect(await died).toBe('SIGTERM');
    expectAllOriginalAndClean();
  });

  it('killed half-way through a restore: the next restore finishes it', async () => {
    pinFiles(journalDir, pinChanges(ws.dir, PLANS));
    expect(state()).toEqual(['pinned', 'pinned', 'pinned']);
    const child = await startPausedAt('restore', 'restore:1');
    expect(state()).toEqual(['original', 'original', 'pinned']);
    expect(hasJournal(journalDir)).toBe(true); // not removed before every file is back
    await sigkill(child);
    const report = restorePins(journalDir);
    expect(report.unchanged.map((f) => path.relative(ws.dir, f))).toEqual(FILES.slice(0, 2));
    expect(report.restored.map((f) => path.relative(ws.dir, f))).toEqual(FILES.slice(2));
    expectAllOriginalAndClean();
  });
});
