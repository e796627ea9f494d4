import { createTestRepo, type TestRepo } from '../testing/git-repo';
import { commitAll, currentBranch, currentCommit, fetchTags, isAncestor, remoteUrl } from './repo';
import { redact } from '../redact';
import { GitError, runGit } from './run-git';
import { assertClean, dirtyFiles, DirtyWorkingTreeError, isClean } from './status';

describe('working tree and commits', () => {
  let repo: TestRepo;
  afterEach(() => repo?.cleanup());

  it('reports dirty files and lists them in assertClean errors', async () => {
    repo = createTestRepo({ files: { 'tracked.txt': 'a', 'gone.txt': 'g', 'old.txt': 'o'.repeat(100) } });
    expect(await isClean(repo.dir)).toBe(true);
    await expect(assertClean(repo.dir)).resolves.toBeUndefined();
    repo.write({ 'tracked.txt': 'b', 'new dir/untracked.txt': 'u' });
    repo.remove(['gone.txt']);
    repo.git(['mv', 'old.txt', 'renamed.txt']);
    const dirty = await dirtyFiles(repo.dir);
    expect(dirty.sort((a, b) => a.path.localeCompare(b.path))).toEqual([
      { path: 'gone.txt', status: ' D' },
      { path: 'new dir/untracked.txt', status: '??' },
      { path: 'renamed.txt', status: 'R ' },
      { path: 'tracked.txt', status: ' M' },
    ]);
    expect(await isClean(repo.dir)).toBe(false);
    expect((await dirtyFiles(repo.dir, { untracked: false })).map((f) => f.path)).not.toContain('new dir/untracked.txt');
    const error = await assertClean(repo.dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DirtyWorkingTreeError);
    expect((error as Error).message).toContain(repo.dir);
    expect((error as Error).message).toContain(' M tracked.txt');
    expect((error as Error).message).toContain('?? new dir/untracked.txt');
    await expect(assertClean(repo.dir, { ignore: ['tracked.txt', 'gone.txt', 'renamed.txt', 'new dir/untracked.txt'] })).resolves.toBeUndefined();
  });

  it('commits exactly the given files (additions, changes, deletions) and nothing else', async () => {
    repo = createTestRepo({ files: { 'packages/a/pyproject.toml': 'version = "1.0.0"\n', 'packages/a/old.py': 'x', 'other.txt': 'o' } });
    const before = repo.head();
    repo.write({ 'packages/a/pyproject.toml': 'version = "1.1.0"\n', 'packages/a/CHANGELOG.md': '# 1.1.0\n', 'other.txt': 'changed, not committed' });
    repo.remove(['packages/a/old.py']);
    repo.git(['add', 'other.txt']); // staged elsewhere: must stay out of the commit
    const sha = await commitAll(
      repo.dir,
      'chore(release): publish\n\n- a 1.1.0',
      ['packages/a/pyproject.toml', 'packages/a/CHANGELOG.md', 'packages/a/old.py'],
      { env: repo.env },
    );
    expect(sha).toBe(repo.head());
    expect(sha).not.toBe(before);
    expect(repo.git(['show', '--name-status', '--format=%B', 'HEAD']).split('\n').filter(Boolean)).toEqual([
      'chore(release): publish',
      '- a 1.1.0',
      'A\tpackages/a/CHANGELOG.md',
      'D\tpackages/a/old.py',
      'M\tpackages/a/pyproject.toml',
    ]);
    expect((await dirtyFiles(repo.dir)).map((f) => f.path)).toEqual(['other.txt']);
    expect(await commitAll(repo.dir, 'nothing', ['packages/a/pyproject.toml'], { env: repo.env })).toBeUndefined();
    expect(repo.head()).toBe(sha);
    await expect(commitAll(repo.dir, 'x', [], { env: repo.env })).rejects.toThrow(/no files given/);
  });

  it('reads commits, branches and remotes', async () => {
    repo = createTestRepo({ initialCommit: true });
    const first = repo.head();
    expect(await currentCommit(repo.dir)).toBe(first);
    expect(await currentBranch(repo.dir)).toBe('main');
    expect(await remoteUrl(repo.dir)).toBe(repo.bare);
    expect(await remoteUrl(repo.dir, 'upstream')).toBeUndefined();
    const second = repo.commit('feat: two', { b: 'b' });
    expect(await currentCommit(repo.dir, 'HEAD~1')).toBe(first);
    expect(await isAncestor(repo.dir, first, second)).toBe(true);
    expect(await isAncestor(repo.dir, second, first)).toBe(false);
    repo.git(['checkout', '--quiet', '--detach', first]);
    expect(await currentBranch(repo.dir)).toBeUndefined();
    const error = await currentCommit(repo.dir, 'nope').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitError);
    expect((error as GitError).message).toContain('git rev-parse --verify --end-of-options nope^{commit}');
  });

  it('fetches tags from the remote', async () => {
    repo = createTestRepo({ initialCommit: true });
    repo.push();
    repo.gitBare(['tag', 'remote-v1', 'main']);
    await fetchTags(repo.dir, 'origin', { env: repo.env });
    expect(repo.git(['tag'])).toBe('remote-v1');
  });
});

describe('git errors', () => {
  it('mask credentials embedded in remote URLs', async () => {
    const repo = createTestRepo({ initialCommit: true });
    try {
      const url = 'https://x-access-token:ghs_SECRET123@127.0.0.1:9/o/r.git';
      const error = await runGit(repo.dir, ['push', url, 'HEAD:refs/heads/x'], { env: repo.env }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(GitError);
      expect((error as Error).message).not.toContain('ghs_SECRET123');
      expect((error as GitError).command).not.toContain('ghs_SECRET123');
      expect((error as Error).message).toContain('https://***@127.0.0.1:9/o/r.git');
    } finally {
      repo.cleanup();
    }
  });

  it('git output is masked by redact: user:password, tokens and auth headers', () => {
    expect(redact('fatal: https://user:pw@host/x and ssh://git@host/y')).toBe('fatal: https://***@host/x and ssh://***@host/y');
    expect(redact('http.extraheader=AUTHORIZATION: basic abc123')).not.toContain('abc123');
  });

  it('name a missing directory', async () => {
    const error = await runGit('/nonexistent/nx-uv', ['status']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitError);
    expect((error as Error).message).toContain('git status');
    expect((error as Error).message).toContain('/nonexistent/nx-uv');
  });
});
