import { createTestRepo, type TestRepo } from '../testing/git-repo';
import { GitInputError } from './ref-names';
import { GitError } from './run-git';
import { createAnnotatedTag, listTags, pushTags } from './tags';

describe('tags', () => {
  let repo: TestRepo;
  afterEach(() => repo?.cleanup());

  it('lists lightweight and annotated tags with the peeled commit, filtered by glob, RegExp or predicate', async () => {
    repo = createTestRepo({ initialCommit: true });
    const c1 = repo.head();
    repo.tag('light-v1.0.0');
    const c2 = repo.commit('feat: two', { 'a.txt': 'a' });
    repo.tag('pkg-a-v1.1.0', { message: 'pkg-a 1.1.0' });
    repo.tag('group/pkg-b-v2.0.0rc1', { message: 'pkg-b 2.0.0rc1' });
    repo.git(['tag', '-a', '-m', 'tag of a tag', 'nested', 'pkg-a-v1.1.0']);
    const tree = repo.git(['rev-parse', 'HEAD^{tree}']);
    repo.git(['tag', 'a-tree', tree]);

    const annotatedObject = repo.git(['rev-parse', 'refs/tags/pkg-a-v1.1.0']);
    expect(annotatedObject).not.toBe(c2); // the ref holds a tag object; listTags must peel it

    const all = await listTags(repo.dir);
    expect(all.sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      { name: 'group/pkg-b-v2.0.0rc1', commit: c2, annotated: true },
      { name: 'light-v1.0.0', commit: c1, annotated: false },
      { name: 'nested', commit: c2, annotated: true },
      { name: 'pkg-a-v1.1.0', commit: c2, annotated: true },
    ]);
    expect((await listTags(repo.dir, 'pkg-*')).map((t) => t.name)).toEqual(['pkg-a-v1.1.0']);
    expect((await listTags(repo.dir, '**/pkg-b-v*')).map((t) => t.name)).toEqual(['group/pkg-b-v2.0.0rc1']);
    expect((await listTags(repo.dir, /rc\d+$/)).map((t) => t.name)).toEqual(['group/pkg-b-v2.0.0rc1']);
    expect((await listTags(repo.dir, (n) => n.startsWith('light'))).map((t) => t.commit)).toEqual([c1]);
  });

  it('creates annotated tags idempotently and refuses to move one', async () => {
    repo = createTestRepo({ initialCommit: true });
    const c1 = repo.head();
    const created = await createAnnotatedTag(repo.dir, 'pkg-a-v1.0.0', 'pkg-a 1.0.0\n\n- feat: x', 'HEAD', { env: repo.env });
    expect(created).toEqual({ name: 'pkg-a-v1.0.0', commit: c1, created: true });
    expect(repo.git(['cat-file', '-t', 'pkg-a-v1.0.0'])).toBe('tag');
    expect(repo.git(['tag', '-l', '--format=%(contents)', 'pkg-a-v1.0.0'])).toBe('pkg-a 1.0.0\n\n- feat: x');
    expect(await createAnnotatedTag(repo.dir, 'pkg-a-v1.0.0', 'again', c1, { env: repo.env })).toEqual({ name: 'pkg-a-v1.0.0', commit: c1, created: false });
    const c2 = repo.commit('fix: y', { 'y.txt': 'y' });
    const error = await createAnnotatedTag(repo.dir, 'pkg-a-v1.0.0', 'moved', c2, { env: repo.env }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitError);
    expect((error as Error).message).toContain(`already exists on commit ${c1}`);
    expect((error as Error).message).toContain(c2);
    const bad = await createAnnotatedTag(repo.dir, 'bad..name', 'm', 'HEAD', { env: repo.env }).catch((e: unknown) => e);
    // Refused before git runs, naming what is wrong (git would only say "not a valid tag name").
    expect(bad).toBeInstanceOf(GitInputError);
    expect((bad as Error).message).toBe('nx-uv: tag "bad..name" is not a valid git ref name: it holds ".."');
    expect(repo.git(['tag', '--list'])).not.toContain('bad');
  });

  it('pushes several tags to the bare remote in one atomic push', async () => {
    repo = createTestRepo({ initialCommit: true });
    repo.push();
    await createAnnotatedTag(repo.dir, 'pkg-a-v1.0.0', 'a', 'HEAD', { env: repo.env });
    await createAnnotatedTag(repo.dir, 'pkg-b-v0.1.0', 'b', 'HEAD', { env: repo.env });
    await pushTags(repo.dir, 'origin', ['pkg-a-v1.0.0', 'pkg-b-v0.1.0'], { env: repo.env });
    expect(repo.gitBare(['tag']).split('\n').sort()).toEqual(['pkg-a-v1.0.0', 'pkg-b-v0.1.0']);
    expect(repo.gitBare(['cat-file', '-t', 'pkg-a-v1.0.0'])).toBe('tag');
    expect(repo.gitBare(['rev-parse', 'pkg-b-v0.1.0^{commit}'])).toBe(repo.head());
    // Pushing again is a no-op; nothing to push spawns nothing.
    await pushTags(repo.dir, 'origin', ['pkg-a-v1.0.0'], { env: repo.env });
    await pushTags(repo.dir, 'origin', [], { env: repo.env });
  });

  it('pushes nothing when one tag is rejected (atomic), and the error names the command and stderr', async () => {
    repo = createTestRepo({ initialCommit: true });
    repo.push();
    const first = repo.head();
    repo.gitBare(['tag', 'pkg-a-v1.0.0', first]);
    repo.commit('feat: z', { 'z.txt': 'z' });
    repo.tag('pkg-a-v1.0.0', { message: 'a elsewhere' });
    repo.tag('pkg-c-v3.0.0', { message: 'c' });
    const error = await pushTags(repo.dir, 'origin', ['pkg-c-v3.0.0', 'pkg-a-v1.0.0'], { env: repo.env }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitError);
    expect((error as GitError).message).toContain('git push --atomic --porcelain --end-of-options origin refs/tags/pkg-c-v3.0.0:refs/tags/pkg-c-v3.0.0');
    expect((error as GitError).stderr).toMatch(/rejected|failed to push/);
    expect(repo.gitBare(['tag'])).toBe('pkg-a-v1.0.0');
  });
});
