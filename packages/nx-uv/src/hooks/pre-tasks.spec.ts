import * as fs from 'node:fs';
import * as path from 'node:path';
import { memberPyproject } from '../executors/publish/__fixtures__/publish-workspace';
import { createNodes } from '../index';
import { resetGraphMemo } from '../graph';
import { defaultJournalDir, pinFiles, readJournal } from '../pin/pin-journal';
import { pluginEcosystemFiles } from '../testing/plugin-ecosystem';
import { makeTempDir, writeTree } from '../testing/tools';
import { asksForReleaseTargets, preTasksExecution } from './pre-tasks';

const argv = (...args: string[]) => ['/usr/bin/node', '/ws/node_modules/.bin/nx', ...args];
const context = (workspaceRoot: string, args: string[]) => ({ id: 'x', workspaceRoot, nxJsonConfiguration: {}, argv: argv(...args) });

const CYCLE: Record<string, string> = {
  'nx.json': '{}\n',
  'pyproject.toml': '[tool.uv.workspace]\nmembers = ["packages/*"]\n\n[tool.uv.sources]\npkg-a = { workspace = true }\npkg-b = { workspace = true }\n',
  'packages/a/pyproject.toml': memberPyproject({ name: 'pkg-a', version: '1.0.0', module: 'pkg_a', dependencies: ['requests', 'pkg-b>=1.0'] }),
  'packages/b/pyproject.toml': memberPyproject({ name: 'pkg-b', version: '1.0.0', module: 'pkg_b', dependencies: ['pkg-a>=1.0'] }),
};

describe('asksForReleaseTargets', () => {
  const names = ['version', 'publish', 'nx-release-publish', 'release'];
  it.each([
    [['run-many', '-t', 'publish'], true],
    [['run-many', '--targets=build,version'], true],
    [['run', 'pkg-a:publish', '--dryRun'], true],
    [['publish', 'pkg-a'], true],
    [['release', 'version', 'minor'], true],
    [['affected', '-t', 'build'], false],
    [['run', 'pkg-a:build'], false],
    [['run-many', '-t', 'publish-docs'], false],
  ])('%j → %s', (args, expected) => {
    expect(asksForReleaseTargets(args, names)).toBe(expected);
  });
});

describe('preTasksExecution', () => {
  const tmp = makeTempDir('nx-uv-pre-tasks-');
  afterAll(() => tmp.cleanup());
  beforeEach(() => resetGraphMemo());

  it('refuses a runtime cycle for release targets, naming each requirement with its file and line, and what to do', () => {
    const root = path.join(tmp.dir, 'cycle');
    writeTree(root, CYCLE);
    expect(() => preTasksExecution(undefined, context(root, ['run-many', '-t', 'publish']))).toThrow(
      'nx-uv: Dependency cycle between workspace members (runtime dependencies): pkg-a → pkg-b → pkg-a: ' +
        'pkg-a requires "pkg-b>=1.0" (packages/a/pyproject.toml:5, project.dependencies); ' +
        'pkg-b requires "pkg-a>=1.0" (packages/b/pyproject.toml:5, project.dependencies). ' +
        'Each must be versioned and published before the other, so nx-uv has no order to release them in. ' +
        'Break the cycle: move one of these requirements into an extra ([project.optional-dependencies]) or a dependency group, or merge the packages.',
    );
    expect(() => preTasksExecution(undefined, context(root, ['release', 'version']))).toThrow(/pkg-a → pkg-b → pkg-a/);
    // Targets that need no order are not refused: uv builds a cycle.
    expect(() => preTasksExecution(undefined, context(root, ['run-many', '-t', 'build']))).not.toThrow();
  });

  it('uses the workspaces inferred in this process (a uv root below the Nx root), and a renamed target', async () => {
    const root = path.join(tmp.dir, 'below');
    writeTree(root, Object.fromEntries(Object.entries(CYCLE).map(([f, t]) => [f === 'nx.json' ? f : `py/${f}`, t])));
    const options = { targetNames: { publish: 'pypi-publish' } };
    await createNodes[1](['py/pyproject.toml', 'py/packages/a/pyproject.toml', 'py/packages/b/pyproject.toml'], options, {
      nxJsonConfiguration: {},
      workspaceRoot: root,
    } as never);
    expect(() => preTasksExecution(options, context(root, ['run-many', '-t', 'pypi-publish']))).toThrow(
      /^nx-uv \(uv workspace py\): Dependency cycle .*packages\/a\/pyproject\.toml:5/,
    );
    expect(() => preTasksExecution(options, context(root, ['run-many', '-t', 'publish']))).not.toThrow();
  });

  it('lets a plugin ecosystem (cycles through extras only) through', () => {
    const root = path.join(tmp.dir, 'eco');
    writeTree(root, { 'nx.json': '{}\n', ...pluginEcosystemFiles({ plugins: 4 }) });
    expect(() => preTasksExecution(undefined, context(root, ['run-many', '-t', 'version,publish']))).not.toThrow();
  });

  it('puts back a file a killed run left pinned, before any task (even a cached build) runs', () => {
    const root = path.join(tmp.dir, 'pins');
    writeTree(root, { 'nx.json': '{}\n', 'pkg/pyproject.toml': '[project]\nname = "x"\ndependencies = ["y>=1"]\n' });
    const file = path.join(root, 'pkg/pyproject.toml');
    const original = fs.readFileSync(file, 'utf8');
    const dir = defaultJournalDir(root);
    pinFiles(dir, [{ path: file, transform: (t) => t.replace('y>=1', 'y==1.2.0') }]);
    // The pinning process is gone (a SIGKILL): rewrite the journal's owner to a pid that does not run.
    for (const name of fs.readdirSync(dir).filter((n) => n.endsWith('.json'))) {
      const p = path.join(dir, name);
      fs.writeFileSync(p, fs.readFileSync(p, 'utf8').replace(/"pid":\s*\d+/, '"pid": 2147483646'));
    }
    expect(fs.readFileSync(file, 'utf8')).toContain('y==1.2.0');
    preTasksExecution(undefined, context(root, ['run-many', '-t', 'build']));
    expect(fs.readFileSync(file, 'utf8')).toBe(original);
    expect(readJournal(dir)).toEqual([]);
  });
});
