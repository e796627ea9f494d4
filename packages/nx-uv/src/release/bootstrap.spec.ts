/**
 * Issue 13: `bootstrapSha`, the last commit before a repository adopted nx-uv. A package without a
 * release tag counts its commits since then, instead of releasing the version in its files unchanged.
 */
import { createTestRepo, type TestRepo } from '../testing/git-repo';
import { computeWorkspacePlan } from './compute';

const pyproject = (name: string, version: string) =>
  `[project]\nname = "${name}"\nversion = "${version}"\n[build-system]\nrequires = ["uv_build>=0.13,<0.14"]\nbuild-backend = "uv_build"\n`;

describe('bootstrapSha', () => {
  let repo: TestRepo;
  let adopted: string;

  beforeAll(() => {
    repo = createTestRepo({
      files: {
        'pyproject.toml': '[tool.uv.workspace]\nmembers = ["a", "b"]\n',
        'a/pyproject.toml': pyproject('a', '1.4.0'),
        'b/pyproject.toml': pyproject('b', '0.2.0'),
      },
    });
    repo.commit('feat(a): before adoption', { 'a/old.py': 'OLD = 1\n' });
    adopted = repo.head();
    repo.commit('feat(a): after adoption', { 'a/new.py': 'NEW = 1\n' });
  });
  afterAll(() => repo.cleanup());

  it('without it: untagged packages are first releases of the version in their files', async () => {
    const { plan } = await computeWorkspacePlan(repo.dir);
    expect(plan.packages.map((p) => [p.name, p.action, p.next])).toEqual([
      ['a', 'first-release', '1.4.0'],
      ['b', 'first-release', '0.2.0'],
    ]);
  });

  it('with it: only the commits since it count, bumping from the version in the files', async () => {
    const { plan } = await computeWorkspacePlan(repo.dir, { bootstrapSha: adopted });
    expect(plan.packages.map((p) => [p.name, p.lastRelease, p.next, p.reasons])).toEqual([
      ['a', '1.4.0', '1.5.0', [`feat(a): after adoption (${repo.head().slice(0, 7)})`]],
    ]);
    expect(plan.skipped).toEqual([{ name: 'b', reason: 'no commits since 0.2.0' }]);
    expect(plan.notes).toContain(`a: no release tag; its commits are counted since bootstrapSha ${adopted.slice(0, 7)}, from version 1.4.0`);
  });

  it('refuses a commit that does not exist or is not in the history of HEAD', async () => {
    await expect(computeWorkspacePlan(repo.dir, { bootstrapSha: 'deadbeef' })).rejects.toThrow(/bootstrapSha "deadbeef" \(nx\.json\) names no commit/);
    repo.checkout('side', { create: true });
    const side = repo.commit('chore: elsewhere', { 'x.txt': 'x\n' });
    repo.checkout('main');
    await expect(computeWorkspacePlan(repo.dir, { bootstrapSha: side })).rejects.toThrow(/is not an ancestor of HEAD/);
  });
});
