import { parse } from 'smol-toml';
import type { InternalDependency, Member, UvWorkspace } from '../workspace/types';
import { applyPins, currentVersions, planPins, planWorkspacePins } from './plan';

function dep(target: string, kind: InternalDependency['kind'], section: string, raw: string): InternalDependency {
  return {
    target,
    kind,
    section,
    requirement: { raw, name: target, normalizedName: target, extras: [], specifier: '' },
  };
}

function member(name: string, version: Member['version'], dependencies: InternalDependency[] = [], isPackage = true): Member {
  return {
    name,
    distributionName: name,
    root: `packages/${name}`,
    pyprojectPath: `packages/${name}/pyproject.toml`,
    isWorkspaceRoot: false,
    isPackage,
    version,
    dependencies,
  };
}

const PYPROJECT = [
  '# pkg-a: pinned at release time only',
  '[project]',
  'name = "pkg-a"',
  'version = "2.0.0"',
  'dependencies = [',
  '    "pkg-b >=1.0 ; python_version >= \'3.9\'",  # bumped in this release',
  "    'pkg-c[fast]>=0.1',  # NOT bumped: must be pinned too",
  '    "requests>=2",',
  ']',
  '',
  '[project.optional-dependencies]',
  '"cli.extra" = [ "pkg-b[cli] @ file:///ws/packages/pkg-b" ]',
  '',
  '[dependency-groups]',
  'dev = ["pkg-b>=1.0"]',
  '',
  '[tool.uv]',
  'dev-dependencies = ["pkg-c>=0.1"]',
  '',
  '[tool.uv.sources]',
  'pkg-b = { workspace = true }',
  'pkg-c = { workspace = true }',
  '',
].join('\r\n');

const A = member('pkg-a', { kind: 'static', version: '2.0.0', file: 'packages/pkg-a/pyproject.toml' }, [
  dep('pkg-b', 'runtime', 'project.dependencies', "pkg-b >=1.0 ; python_version >= '3.9'"),
  dep('pkg-c', 'runtime', 'project.dependencies', 'pkg-c[fast]>=0.1'),
  dep('pkg-b', 'optional', 'project.optional-dependencies.cli.extra', 'pkg-b[cli] @ file:///ws/packages/pkg-b'),
  dep('pkg-b', 'group', 'dependency-groups.dev', 'pkg-b>=1.0'),
  dep('pkg-c', 'dev', 'tool.uv.dev-dependencies', 'pkg-c>=0.1'),
]);
const B = member('pkg-b', { kind: 'static', version: '1.3.0', file: 'packages/pkg-b/pyproject.toml' });
const C = member('pkg-c', { kind: 'hatch-file', version: '0.4.1', file: 'packages/pkg-c/src/pkg_c/__about__.py' });
const WS: UvWorkspace = { absRoot: '/ws', virtual: true, members: [A, B, C] };

describe('planPins', () => {
  it('pins every internal runtime and optional requirement to the current version, not groups or dev deps', () => {
    const plan = planPins(A, currentVersions(WS));
    expect(plan).toEqual({
      member: 'pkg-a',
      file: 'packages/pkg-a/pyproject.toml',
      pins: [
        {
          keyPath: ['project', 'dependencies'],
          target: 'pkg-b',
          from: "pkg-b >=1.0 ; python_version >= '3.9'",
          to: "pkg-b==1.3.0; python_version >= '3.9'",
        },
        { keyPath: ['project', 'dependencies'], target: 'pkg-c', from: 'pkg-c[fast]>=0.1', to: 'pkg-c[fast]==0.4.1' },
        {
          keyPath: ['project', 'optional-dependencies', 'cli.extra'],
          target: 'pkg-b',
          from: 'pkg-b[cli] @ file:///ws/packages/pkg-b',
          to: 'pkg-b[cli]==1.3.0',
        },
      ],
    });
  });

  it('names the member, file and dependency when a version is unknown', () => {
    const ws: UvWorkspace = { ...WS, members: [A, B, member('pkg-c', { kind: 'dynamic', reason: 'hatch-vcs' })] };
    expect(() => planPins(A, currentVersions(ws))).toThrow(
      /packages\/pkg-a\/pyproject\.toml: cannot pin "pkg-c\[fast\]>=0\.1" in `project\.dependencies` of pkg-a: the version of workspace member pkg-c is not known/,
    );
  });

  it('plans only packages that have something to pin', () => {
    const plans = planWorkspacePins(WS);
    expect(plans.map((p) => p.member)).toEqual(['pkg-a']);
    expect(planWorkspacePins(WS, ['pkg-b'])).toEqual([]);
    const notPackage = { ...A, isPackage: false };
    expect(planWorkspacePins({ ...WS, members: [notPackage, B, C] })).toEqual([]);
  });
});

describe('applyPins', () => {
  it('changes only the pinned strings of a CRLF file with comments', () => {
    const plan = planPins(A, currentVersions(WS));
    const out = applyPins(PYPROJECT, plan.pins, plan.file);
    const expected = PYPROJECT.replace(`"pkg-b >=1.0 ; python_version >= '3.9'"`, `"pkg-b==1.3.0; python_version >= '3.9'"`)
      .replace("'pkg-c[fast]>=0.1'", "'pkg-c[fast]==0.4.1'")
      .replace('"pkg-b[cli] @ file:///ws/packages/pkg-b"', '"pkg-b[cli]==1.3.0"');
    expect(out).toBe(expected);
    const doc = parse(out) as Record<string, any>;
    expect(doc.project.dependencies).toEqual(["pkg-b==1.3.0; python_version >= '3.9'", 'pkg-c[fast]==0.4.1', 'requests>=2']);
    expect(doc.project['optional-dependencies']['cli.extra']).toEqual(['pkg-b[cli]==1.3.0']);
    expect(doc['dependency-groups'].dev).toEqual(['pkg-b>=1.0']);
    expect(doc.tool.uv['dev-dependencies']).toEqual(['pkg-c>=0.1']);
    // idempotent
    expect(applyPins(out, plan.pins, plan.file)).toBe(out);
  });

  it('refuses when the file no longer has a requirement of the plan', () => {
    const plan = planPins(A, currentVersions(WS));
    const changed = PYPROJECT.replace("'pkg-c[fast]>=0.1'", "'pkg-c[fast]>=0.2'");
    expect(() => applyPins(changed, plan.pins, 'packages/pkg-a/pyproject.toml')).toThrow(
      /packages\/pkg-a\/pyproject\.toml: "pkg-c\[fast\]>=0\.1" not found in `project\.dependencies`/,
    );
  });
});
