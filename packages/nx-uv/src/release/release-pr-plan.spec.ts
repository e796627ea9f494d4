/**
 * planReleasePr and renderReleasePrPlan from facts alone: no git, no GitHub, no file system.
 */
import type { PlannedPackage, ReleasePlan } from '../versioning';
import { memoryReader, modelUvWorkspace } from '../workspace';
import { pkg } from './__fixtures__/planned-package';
import { assertOnBase, planReleasePr, renderReleasePrPlan, type ReleasePrFacts, type ReleasePrPlanOptions } from './release-pr-plan';
import { RELEASE_PR_MARKER } from './release-pr-content';

const HEAD = 'a'.repeat(40);

function releasePlan(packages: PlannedPackage[]): ReleasePlan {
  return {
    packages,
    requirementUpdates: [],
    skipped: [],
    notes: [],
    options: { bumpType: 'auto', prerelease: null, force: false, group: null, dependentBump: 'patch', zeroMajorPolicy: 'cargo' },
  };
}

const pyprojects: Record<string, string> = {
  'pyproject.toml': '[tool.uv.workspace]\nmembers = ["packages/*"]\n',
  'packages/a/pyproject.toml': '[project]\nname = "a"\nversion = "1.0.0"\n',
  'packages/b/pyproject.toml': '[project]\nname = "b"\nversion = "1.1.0"\n',
};
const workspace = modelUvWorkspace('/nx/py', memoryReader(pyprojects));

function facts(plan: ReleasePlan, files: Record<string, string | undefined>, extra: Partial<ReleasePrFacts> = {}): ReleasePrFacts {
  return {
    workspace,
    workspaceRoot: '/nx',
    workspaceInGit: 'py',
    head: HEAD,
    plan,
    editOptions: { date: '2026-01-02' },
    files: new Map(Object.entries(files)),
    hasLock: true,
    ...extra,
  };
}

const options: ReleasePrPlanOptions = { baseBranch: 'main', branch: 'nx-uv/release', remote: 'origin' };

describe('planReleasePr', () => {
  it('plans nothing when no package is released, naming the open PR it leaves alone', () => {
    const plan = planReleasePr(facts(releasePlan([]), {}, { openPullRequest: { number: 7, url: 'https://x/7' } }), options);
    expect(plan).toMatchObject({ kind: 'nothing-to-release', branch: 'nx-uv/release', base: 'main', head: HEAD, openPullRequest: { number: 7 } });
    const lines = renderReleasePrPlan(plan);
    expect(lines[0]).toMatch(/^nx-uv release-pr: release plan from main at a{12}:\n/);
    expect(lines[1]).toMatch(/nothing to release \(no releasable commits/);
    expect(lines[2]).toBe('nx-uv release-pr: the open release PR #7 (https://x/7) from nx-uv/release is left as it is; close it if it is no longer wanted.');
  });

  it('prepares the branch: every edit, the commit message, the PR title, body and label, from the files read', () => {
    const plan = planReleasePr(
      facts(releasePlan([pkg('a', '1.1.0')]), {
        'packages/a/pyproject.toml': pyprojects['packages/a/pyproject.toml'],
        'packages/a/CHANGELOG.md': undefined,
      }),
      { ...options, group: 'libs', branch: 'nx-uv/release-libs', releaseLabel: 'release: pending' },
    );
    if (plan.kind !== 'prepare') throw new Error(`expected a prepared plan, got ${plan.kind}`);
    expect(plan.edits.map((e) => e.file).sort()).toEqual(['packages/a/CHANGELOG.md', 'packages/a/pyproject.toml']);
    expect(plan.edits.find((e) => e.file === 'packages/a/pyproject.toml')?.after).toContain('version = "1.1.0"');
    expect(plan.title).toBe('chore(release): a 1.1.0');
    expect(plan.commitMessage).toBe('chore(release): a 1.1.0\n\n- a 1.0.0 → 1.1.0\n\nRelease group: libs\n');
    expect(plan.releaseLabel).toBe('release: pending');
    expect(plan.body.startsWith(RELEASE_PR_MARKER)).toBe(true);
    expect(plan.body).toContain('### a 1.1.0');
    expect(plan.shownFiles).toEqual([...plan.edits.map((e) => `py/${e.file}`), 'py/uv.lock']);
    expect(plan.workspaceInGit).toBe('py');

    const run = renderReleasePrPlan(plan);
    expect(run).toHaveLength(1);
    expect(run[0]).toMatch(/^nx-uv release-pr: release plan of group libs from main at a{12}:/);
    const dry = renderReleasePrPlan(plan, { dryRun: true });
    expect(dry[1]).toMatch(/^nx-uv release-pr \(dry run\): would re-create branch nx-uv\/release-libs at a{12}, write py\/.*, py\/.* and py\/uv\.lock,\n/);
    expect(dry[1]).toContain('labelled "release: pending":\n  title: chore(release): a 1.1.0\n  body:\n    <!-- nx-uv:release-pr');
  });

  it('takes the label from the plugin option, and refuses a blank one', () => {
    const f = facts(releasePlan([pkg('a', '1.1.0')]), {
      'packages/a/pyproject.toml': pyprojects['packages/a/pyproject.toml'],
      'packages/a/CHANGELOG.md': undefined,
    });
    expect(planReleasePr({ ...f, pluginReleaseLabel: 'ship it' }, options)).toMatchObject({ releaseLabel: 'ship it' });
    expect(planReleasePr(f, options)).toMatchObject({ releaseLabel: 'autorelease: pending' });
    expect(() => planReleasePr(f, { ...options, releaseLabel: ' ' })).toThrow(/the release label must be a non-empty string/);
  });

  it('says the base already holds a release whose files are written, and keeps a prepared changelog section', () => {
    const changelog = '# Changelog\n\n## 1.1.0 (2025-12-31)\n\n- b things\n';
    const plan = planReleasePr(
      facts(releasePlan([pkg('b', '1.1.0', { current: '1.1.0', action: 'as-set', bump: 'none' })]), {
        'packages/b/pyproject.toml': pyprojects['packages/b/pyproject.toml'],
        'packages/b/CHANGELOG.md': changelog,
      }),
      options,
    );
    expect(plan).toMatchObject({ kind: 'already-applied', edits: [], kept: ['b 1.1.0'] });
    if (plan.kind === 'nothing-to-release') throw new Error('expected content');
    expect(plan.body).toContain('- b things');
    const lines = renderReleasePrPlan(plan);
    expect(lines[1]).toMatch(/kept the changelog sections already written for b 1\.1\.0/);
    expect(lines[2]).toMatch(/^nx-uv release-pr: main already holds these versions and changelog sections/);
    // A dry run shows what a run would do instead.
    expect(renderReleasePrPlan(plan, { dryRun: true })[2]).toMatch(/would re-create branch nx-uv\/release at a{12}, write py\/uv\.lock,/);
  });

  it('refuses to edit a file that was not read beforehand', () => {
    expect(() => planReleasePr(facts(releasePlan([pkg('a', '1.1.0')]), {}), options)).toThrow(/not read beforehand/);
  });
});

describe('assertOnBase', () => {
  it('accepts the base branch, or a detached HEAD at it, and names the way out otherwise', () => {
    expect(() => assertOnBase({ branch: 'main', head: HEAD }, 'main', HEAD)).not.toThrow();
    expect(() => assertOnBase({ head: HEAD }, 'main', HEAD)).not.toThrow();
    expect(() => assertOnBase({ branch: 'dev', head: HEAD }, 'main', 'b'.repeat(40))).toThrow(
      /checkout is on branch "dev" \(a{12}\) and main is at b{12}: check out main first/,
    );
    expect(() => assertOnBase({ head: HEAD }, 'main', undefined)).toThrow(/a detached HEAD at a{12} and there is no local branch main/);
  });
});
