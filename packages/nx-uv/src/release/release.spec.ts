import * as fs from 'node:fs';
import * as path from 'node:path';
import { createTestRepo } from '../testing/git-repo';
import { modelUvWorkspace, memoryReader } from '../workspace';
import {
  computeWorkspacePlan,
  diskText,
  lastReleaseTags,
  planFileEdits,
  planFiles,
  readWorkspaceHistory,
  resolveReleaseGroup,
  sectionKeyPath,
  withFileLock,
  writeRelease,
} from '.';
import { APP_PYPROJECT, createReleaseRepo, MID_PYPROJECT, OLD_CHANGELOG, ROOT_PYPROJECT, uv, type ReleaseRepo } from './__fixtures__/release-workspace';

describe('lastReleaseTags', () => {
  it('takes the highest PEP 440 version per member and ignores foreign tags', () => {
    const tags = [
      { name: 'core-v1.2.0', commit: 'a', annotated: true },
      { name: 'core-v1.10.0', commit: 'b', annotated: true },
      { name: 'core-v1.10.0rc1', commit: 'c', annotated: true },
      { name: 'my-lib-v2.0', commit: 'd', annotated: false },
      { name: 'nobody-v1.0.0', commit: 'e', annotated: false },
      { name: 'core-vnot-a-version', commit: 'f', annotated: false },
      { name: 'v3', commit: 'g', annotated: false },
    ];
    expect(lastReleaseTags(tags, undefined, ['core', 'my-lib'])).toEqual({
      core: { tag: 'core-v1.10.0', version: '1.10.0', commit: 'b' },
      'my-lib': { tag: 'my-lib-v2.0', version: '2.0', commit: 'd' },
    });
    expect(lastReleaseTags([{ name: 'release/core@1.0', commit: 'x', annotated: true }], 'release/{name}@{version}', ['core'])).toEqual({
      core: { tag: 'release/core@1.0', version: '1.0', commit: 'x' },
    });
  });
});

describe('sectionKeyPath', () => {
  it('keeps dots inside extra and group names', () => {
    expect(sectionKeyPath('project.dependencies')).toEqual(['project', 'dependencies']);
    expect(sectionKeyPath('project.optional-dependencies.a.b')).toEqual(['project', 'optional-dependencies', 'a.b']);
    expect(sectionKeyPath('dependency-groups.dev.x')).toEqual(['dependency-groups', 'dev.x']);
    expect(sectionKeyPath('tool.uv.dev-dependencies')).toEqual(['tool', 'uv', 'dev-dependencies']);
  });
});

describe('readWorkspaceHistory', () => {
  it('gives each member the commits not reachable from its own tag, with one history read', async () => {
    const repo = createTestRepo();
    try {
      repo.write({
        'py/pyproject.toml': '[tool.uv.workspace]\nmembers = ["a", "b"]\n',
        'py/a/pyproject.toml': '[project]\nname = "a"\nversion = "1.0.0"\n[build-system]\nrequires = ["uv_build"]\nbuild-backend = "uv_build"\n',
        'py/b/pyproject.toml': '[project]\nname = "b"\nversion = "1.0.0"\n[build-system]\nrequires = ["uv_build"]\nbuild-backend = "uv_build"\n',
      });
      repo.commit('chore: init');
      repo.tag('a-v1.0.0');
      repo.checkout('side', { create: true });
      const side = repo.commit('fix(a): on a side branch, older than the tag of b', { 'py/a/x.py': '1\n' });
      repo.checkout('main');
      const mainA = repo.commit('feat(a): on main', { 'py/a/y.py': '1\n', 'docs/outside.md': 'x\n' });
      repo.commit('chore(b): release b', { 'py/b/z.py': '1\n' });
      repo.tag('b-v1.0.0', { message: 'b' });
      repo.merge('side', 'Merge branch side');
      const afterB = repo.commit('fix(b): after its tag', { 'py/b/z.py': '2\n' });
      const ws = modelUvWorkspace(
        path.join(repo.dir, 'py'),
        memoryReader({
          'pyproject.toml': '[tool.uv.workspace]\nmembers = ["a", "b"]\n',
          'a/pyproject.toml': '[project]\nname = "a"\nversion = "1.0.0"\n[build-system]\nrequires = ["uv_build"]\nbuild-backend = "uv_build"\n',
          'b/pyproject.toml': '[project]\nname = "b"\nversion = "1.0.0"\n[build-system]\nrequires = ["uv_build"]\nbuild-backend = "uv_build"\n',
        }),
      );
      const h = await readWorkspaceHistory(ws);
      expect(h.uvPrefix).toBe('py');
      expect(h.since).toBe(repo.git(['rev-parse', 'a-v1.0.0^{commit}'])); // common ancestor of both tags
      const of = (m: string) => h.mapped.filter((c) => c.members.includes(m)).map((c) => c.commit.hash);
      // a: everything after its tag; the side commit counts though it is older than b's tag.
      expect(new Set(of('a'))).toEqual(new Set([side, mainA]));
      // b: only what its tag cannot reach — the merged side commit touches a only; b's release commit is excluded.
      expect(of('b')).toEqual([afterB]);
      // Merges carry no members; files outside the uv root are ignored.
      expect(h.mapped.every((c) => c.commit.parents === 1)).toBe(true);
    } finally {
      repo.cleanup();
    }
  });
});

describe('computeWorkspacePlan and writeRelease on a real repository', () => {
  let r: ReleaseRepo;
  beforeAll(async () => {
    r = await createReleaseRepo();
  });
  afterAll(() => r.cleanup());

  it('plans core minor, mid and app patch, and writes everything with one uv lock', async () => {
    const { ws, plan, history } = await computeWorkspacePlan(r.uvRoot);
    expect(history.since).toBe(r.repo.git(['rev-parse', 'core-v1.2.0^{commit}']));
    expect(plan.packages.map((p) => `${p.name} ${p.current} → ${p.next} ${p.bump}`)).toEqual([
      'app 2.0.0 → 2.0.1 patch',
      'core 1.2.0 → 1.3.0 minor',
      'mid 0.4.1 → 0.4.2 patch',
    ]);
    expect(plan.skipped).toEqual([{ name: 'other', reason: expect.stringContaining('none releasable') }]);
    expect(plan.requirementUpdates.map((u) => `${u.member || '(root)'} ${u.section}: ${u.from} → ${u.to}`)).toEqual([
      '(root) dependency-groups.dev: core>=1.2.0 → core>=1.3.0',
      'app project.dependencies: mid==0.4.1 → mid==0.4.2',
      'app project.dependencies: core>=1.0 → core>=1.3.0',
      "mid project.dependencies: core[fast] >=1.2.0, <2 ; python_version >= '3.8' → core[fast] >=1.3.0, <2 ; python_version >= '3.8'",
    ]);

    const read = (f: string) => diskText(ws)(f) as string;
    const opts = { date: '2025-03-01' };
    const all = planFileEdits(ws, plan, diskText(ws), opts);
    expect(all.map((e) => e.file)).toEqual([
      'packages/app/CHANGELOG.md',
      'packages/app/pyproject.toml',
      'packages/core/CHANGELOG.md',
      'packages/core/pyproject.toml',
      'packages/mid/CHANGELOG.md',
      'packages/mid/pyproject.toml',
      'pyproject.toml',
    ]);

    const written = await writeRelease(ws, plan, { ...opts, env: (await import('../testing/tools')).uvTestEnv() });
    expect(written.edits).toEqual(all);
    expect(written.locked).toBe(true);
    expect(written.files).toEqual([...all.map((e) => e.file), 'uv.lock'].sort());
    expect(read('pyproject.toml')).toBe(ROOT_PYPROJECT.replace('"core>=1.2.0"', '"core>=1.3.0"'));
    expect(read('packages/mid/pyproject.toml')).toBe(
      MID_PYPROJECT.replace("version = '0.4.1'", "version = '0.4.2'").replace('core[fast] >=1.2.0, <2', 'core[fast] >=1.3.0, <2'),
    );
    expect(read('packages/app/pyproject.toml')).toBe(
      APP_PYPROJECT.replace('version = "2.0.0"', 'version = "2.0.1"').replace('"mid==0.4.1", "core>=1.0"', '"mid==0.4.2", "core>=1.3.0"'),
    );
    const changelog = read('packages/core/CHANGELOG.md');
    expect(changelog.startsWith('# Changelog\n\n## 1.3.0 (2025-03-01)\n\n### Features\n\n- **core:** add a speed knob (')).toBe(true);
    expect(changelog.endsWith(OLD_CHANGELOG.slice('# Changelog\n\n'.length))).toBe(true);
    const app = read('packages/app/CHANGELOG.md');
    expect(app).toMatch(
      /^# Changelog\n\n## 2\.0\.1 \(2025-03-01\)\n\n### Bug fixes\n\n- \*\*app:\*\* handle empty input \([0-9a-f]{7}\)\n\n### Dependencies\n\n/,
    );
    expect(app).toContain('- core 1.2.0 → 1.3.0\n');
    expect(app).toContain('- mid 0.4.1 → 0.4.2\n');
    expect(read('uv.lock')).toMatch(/name = "core"\nversion = "1\.3\.0"/);
    const check = await uv(r.uvRoot, ['lock', '--check']);
    expect(check.all).toBe(check.exitCode === 0 ? check.all : 'uv lock --check passes');
    expect(check.exitCode).toBe(0);

    // Idempotent: the same plan again changes nothing (and runs no `uv lock`).
    expect(await writeRelease(ws, plan, opts)).toEqual({ edits: [], files: [], locked: false });
  });

  it('refuses a requirement that changed since the plan, before writing anything', async () => {
    const { ws, plan } = await computeWorkspacePlan(r.uvRoot, { force: true });
    const stale = {
      ...plan,
      requirementUpdates: [
        {
          member: '',
          pyprojectPath: 'pyproject.toml',
          section: 'dependency-groups.dev',
          kind: 'group' as const,
          dependency: 'core',
          from: 'core>=0.1',
          to: 'core>=9',
        },
      ],
    };
    expect(() => planFileEdits(ws, stale, diskText(ws), { date: '2025-03-02' })).toThrow(
      /pyproject\.toml `dependency-groups\.dev` no longer holds "core>=0\.1".*run again/,
    );
    // The writer computes every edit first: the packages' edits, which come first, are not written either.
    const before = Object.fromEntries(planFiles(ws, stale).map((f) => [f, diskText(ws)(f)]));
    await expect(writeRelease(ws, stale, { date: '2025-03-02' })).rejects.toThrow(/no longer holds "core>=0\.1"/);
    expect(Object.fromEntries(planFiles(ws, stale).map((f) => [f, diskText(ws)(f)]))).toEqual(before);
  });
});

describe('resolveReleaseGroup', () => {
  const ws = modelUvWorkspace(
    '/w/py',
    memoryReader({
      'pyproject.toml': '[tool.uv.workspace]\nmembers = ["packages/*"]\n',
      'packages/a/pyproject.toml': '[project]\nname = "a"\nversion = "1"\n',
      'packages/b/pyproject.toml': '[project]\nname = "b"\nversion = "1"\n',
    }),
  );
  const projects = { a: { root: 'py/packages/a', tags: ['t:x'] }, b: { root: 'py/packages/b' }, docs: { root: 'docs' } };
  it('resolves globs and tags to members; unknown groups list the known ones', () => {
    const opts = { groups: { libs: { projects: ['*'] }, tagged: { projects: ['tag:t:x'] }, none: { projects: ['zzz'] } } };
    expect(resolveReleaseGroup('libs', opts, projects, ws, '/w')).toEqual({ name: 'libs', projects: ['a', 'b'] });
    expect(resolveReleaseGroup('tagged', opts, projects, ws, '/w')).toEqual({ name: 'tagged', projects: ['a'] });
    expect(() => resolveReleaseGroup('nope', opts, projects, ws, '/w')).toThrow(
      'unknown release group "nope"; the groups in nx.json (plugins → "nx-uv" → options.groups) are: libs, none, tagged',
    );
    expect(() => resolveReleaseGroup('none', opts, projects, ws, '/w')).toThrow(/matches no member/);
    expect(() => resolveReleaseGroup('x', {}, projects, ws, '/w')).toThrow(/nx\.json defines no groups/);
  });
});

describe('withFileLock', () => {
  it('serialises holders and takes over a lock of a dead process', async () => {
    const dir = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'nx-uv-lock-'));
    try {
      const file = path.join(dir, 'x.lock');
      const order: string[] = [];
      const task = (n: string) =>
        withFileLock(
          file,
          async () => {
            order.push(`${n}+`);
            await new Promise((r) => setTimeout(r, 20));
            order.push(`${n}-`);
          },
          { pollMs: 5 },
        );
      await Promise.all([task('a'), task('b'), task('c')]);
      expect(order.join(' ')).toMatch(/^(\w)\+ \1- (\w)\+ \2- (\w)\+ \3-$/);
      fs.writeFileSync(file, `999999\n${require('node:os').hostname()}\n`);
      await expect(withFileLock(file, async () => 'taken', { pollMs: 5, timeoutMs: 2000 })).resolves.toBe('taken');
      fs.writeFileSync(file, `${process.pid}\n${require('node:os').hostname()}\n`);
      await expect(withFileLock(file, async () => 'no', { pollMs: 5, timeoutMs: 100 })).rejects.toThrow(/waited 0 s for the lock .*x\.lock/);
      expect(fs.existsSync(file)).toBe(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
