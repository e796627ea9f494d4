/**
 * Issue 12, part 4: only tags HEAD can reach are releases. A checkout behind a release (the tag is on
 * a later commit) or a tag made on another branch must not count as the last release.
 */
import { createTestRepo, type TestRepo } from '../testing/git-repo';
import { computeWorkspacePlan } from './compute';

const pyproject = (name: string, version = '1.0.0') =>
  `[project]\nname = "${name}"\nversion = "${version}"\n[build-system]\nrequires = ["uv_build>=0.13,<0.14"]\nbuild-backend = "uv_build"\n`;

describe('release tags HEAD cannot reach', () => {
  let repo: TestRepo;
  let first: string;
  let fix: string;

  beforeAll(() => {
    repo = createTestRepo({
      files: { 'pyproject.toml': '[tool.uv.workspace]\nmembers = ["a", "b"]\n', 'a/pyproject.toml': pyproject('a'), 'b/pyproject.toml': pyproject('b') },
    });
    first = repo.head();
    repo.tag('a-v1.0.0', { rev: first });
    repo.tag('b-v1.0.0', { rev: first });
    fix = repo.commit('fix(a): handle empty input', { 'a/x.py': 'X = 1\n' });
    // A release of a made later (1.0.1 on the commit after the fix), and one of b on a side branch.
    repo.commit('chore(release): a 1.0.1', { 'a/pyproject.toml': pyproject('a', '1.0.1') });
    repo.tag('a-v1.0.1');
    repo.checkout('side', { create: true });
    repo.commit('feat(b): experiment', { 'b/y.py': 'Y = 1\n' });
    repo.tag('b-v1.1.0');
    repo.checkout('main');
  });
  afterAll(() => repo.cleanup());

  it('at the fix commit (behind a-v1.0.1), a plans its fix from a-v1.0.0, and the plan notes both ignored tags', async () => {
    repo.git(['checkout', '--quiet', '--detach', fix]);
    try {
      const { plan, history } = await computeWorkspacePlan(repo.dir);
      expect(history.releases.a?.tag).toBe('a-v1.0.0');
      expect(history.releases.b?.tag).toBe('b-v1.0.0');
      expect(plan.packages.map((p) => [p.name, p.lastRelease, p.next])).toEqual([['a', '1.0.0', '1.0.1']]);
      expect(plan.notes).toEqual(
        expect.arrayContaining([
          'a: tag a-v1.0.1 is not reachable from HEAD (made on another branch or a later commit): ignored; the last release HEAD can reach is a-v1.0.0',
          'b: tag b-v1.1.0 is not reachable from HEAD (made on another branch or a later commit): ignored; the last release HEAD can reach is b-v1.0.0',
        ]),
      );
    } finally {
      repo.checkout('main');
    }
  });

  it('on main, a-v1.0.1 is the release and nothing is left to release; b ignores its side-branch tag', async () => {
    const { plan, history } = await computeWorkspacePlan(repo.dir);
    expect(history.releases.a?.tag).toBe('a-v1.0.1');
    expect(plan.packages).toEqual([]);
    expect(plan.notes.filter((n) => n.includes('not reachable'))).toEqual([
      'b: tag b-v1.1.0 is not reachable from HEAD (made on another branch or a later commit): ignored; the last release HEAD can reach is b-v1.0.0',
    ]);
  });
});
