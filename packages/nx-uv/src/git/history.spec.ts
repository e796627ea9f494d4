import * as fs from 'node:fs';
import * as path from 'node:path';
import { createTestRepo, type TestRepo } from '../testing/git-repo';
import { HistoryParser, readHistory, type Commit } from './history';
import { GitError } from './run-git';

describe('readHistory', () => {
  let repo: TestRepo;
  afterEach(() => repo?.cleanup());

  it('returns commits newest first with subject, body, parent count and files', async () => {
    repo = createTestRepo();
    const first = repo.commit('feat(a): add a\n\nFirst paragraph.\n\nBREAKING CHANGE: renamed everything\n', {
      'packages/a/pyproject.toml': '[project]\nname = "a"\n',
      'packages/a/src/a/__init__.py': '',
    });
    const second = repo.commit('fix(b): add b', { 'packages/b/pyproject.toml': '[project]\nname = "b"\n' });
    const history = await readHistory(repo.dir);
    expect(history).toEqual<Commit[]>([
      { hash: second, subject: 'fix(b): add b', body: '', parents: 1, parentHashes: [first], files: ['packages/b/pyproject.toml'] },
      {
        hash: first,
        subject: 'feat(a): add a',
        body: 'First paragraph.\n\nBREAKING CHANGE: renamed everything',
        parents: 0,
        parentHashes: [],
        files: ['packages/a/pyproject.toml', 'packages/a/src/a/__init__.py'],
      },
    ]);
  });

  it('lists a renamed file under both its old and its new path', async () => {
    repo = createTestRepo({ files: { 'packages/a/mod.py': 'x = 1\n'.repeat(20) } });
    fs.mkdirSync(path.join(repo.dir, 'packages/b'));
    repo.git(['mv', 'packages/a/mod.py', 'packages/b/mod.py']);
    repo.commit('refactor: move mod to b');
    const [moved] = await readHistory(repo.dir);
    expect(moved.subject).toBe('refactor: move mod to b');
    expect(moved.files.sort()).toEqual(['packages/a/mod.py', 'packages/b/mod.py']);
  });

  it('includes side-branch commits, reports merges with no files, and can follow first parents only', async () => {
    repo = createTestRepo({ initialCommit: true });
    repo.checkout('feature', { create: true });
    const side = repo.commit('feat(b): side work', { 'packages/b/x.py': 'x\n' });
    repo.checkout('main');
    const mainline = repo.commit('fix(a): main work', { 'packages/a/y.py': 'y\n' });
    const merge = repo.merge('feature', 'Merge branch feature');
    const all = await readHistory(repo.dir);
    expect(all.map((c) => c.hash)).toEqual(expect.arrayContaining([side, mainline, merge]));
    expect(all).toHaveLength(4);
    const m = all.find((c) => c.hash === merge) as Commit;
    expect(m).toMatchObject({ parents: 2, parentHashes: [mainline, side], files: [], subject: 'Merge branch feature' });
    expect(all.find((c) => c.hash === side)?.files).toEqual(['packages/b/x.py']);
    const firstParent = await readHistory(repo.dir, { firstParent: true });
    expect(firstParent.map((c) => c.hash)).not.toContain(side);
    expect(firstParent.map((c) => c.hash)).toEqual(expect.arrayContaining([mainline, merge]));
  });

  it('reads only commits after `since` and only those touching `paths`', async () => {
    repo = createTestRepo({ initialCommit: true });
    repo.commit('feat(a): one', { 'packages/a/1.py': '1' });
    repo.tag('a-v1.0.0', { message: 'a 1.0.0' });
    const b = repo.commit('feat(b): two', { 'packages/b/2.py': '2' });
    const a = repo.commit('fix(a): three', { 'packages/a/3.py': '3' });
    expect((await readHistory(repo.dir, { since: 'a-v1.0.0' })).map((c) => c.hash)).toEqual([a, b]);
    expect((await readHistory(repo.dir, { since: 'a-v1.0.0', paths: ['packages/a'] })).map((c) => c.hash)).toEqual([a]);
    expect(await readHistory(repo.dir, { since: 'HEAD' })).toEqual([]);
  });

  it('keeps unusual file names and non-ASCII messages intact', async () => {
    repo = createTestRepo();
    const names = ['packages/ü dir/naïve file.py', 'packages/a/with\ttab.py', 'packages/a/"quoted".py'];
    repo.commit('feat: ünïcödé ✓ subject\n\nbody with \x1e record separator', Object.fromEntries(names.map((n) => [n, 'x'])));
    const [c] = await readHistory(repo.dir);
    expect(c.subject).toBe('feat: ünïcödé ✓ subject');
    expect(c.body).toBe('body with \x1e record separator');
    expect(c.files.sort()).toEqual([...names].sort());
  });

  it('returns [] for a branch without commits and names the command and stderr on a bad revision', async () => {
    repo = createTestRepo();
    expect(await readHistory(repo.dir)).toEqual([]);
    repo.commit('chore: init', { a: 'a' });
    const error = await readHistory(repo.dir, { since: 'no-such-tag' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitError);
    expect((error as GitError).message).toContain('git log');
    expect((error as GitError).message).toContain('no-such-tag');
    expect((error as GitError).stderr).toMatch(/unknown revision|bad revision/);
  });
});

describe('HistoryParser', () => {
  it('parses the same commits whatever the chunking', () => {
    const h1 = 'a'.repeat(40);
    const h2 = 'b'.repeat(40);
    const text = `\x1e${h1}\0${h2}\0fix: x\0body\n\n\0\nf1\0dir/f 2\0\x1e${h2}\0\0feat: root\0\0\nroot.txt\0`;
    const whole: Commit[] = [];
    const p1 = new HistoryParser((c) => whole.push(c));
    p1.push(text);
    p1.end();
    const pieces: Commit[] = [];
    const p2 = new HistoryParser((c) => pieces.push(c));
    for (const ch of text) p2.push(ch);
    p2.end();
    expect(whole).toEqual([
      { hash: h1, parents: 1, parentHashes: [h2], subject: 'fix: x', body: 'body', files: ['f1', 'dir/f 2'] },
      { hash: h2, parents: 0, parentHashes: [], subject: 'feat: root', body: '', files: ['root.txt'] },
    ]);
    expect(pieces).toEqual(whole);
  });
});
