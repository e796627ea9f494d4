/**
 * Issue 12, part 2: members whose dependencies a metadata hook computes (`dynamic = ["dependencies"]`)
 * get their internal edges from uv.lock — here from a real hatchling custom metadata hook, locked by
 * the real `uv lock` — and say so when uv.lock cannot give them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { logger } from '@nx/devkit';
import { runBuildExecutor } from '../executors/build/executor';
import { captureLogger } from '../executors/shared/__fixtures__/uv-workspace';
import { lockedRequirementNotice, planWorkspacePins } from '../pin';
import { nxExecutorContext } from '../testing/executor-context';
import { inferNxProjectGraph } from '../testing/nx-project-graph';
import { makeTempDir, uvTestEnv, writeTree } from '../testing/tools';
import { runUv } from '../uv';
import { planMembersFromWorkspace, planRelease } from '../versioning';
import { loadUvWorkspace, modelUvWorkspace } from './model';
import { memoryReader } from './reader';

const HATCH = '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n';

/** dyn-b computes its dependencies in hatch_build.py: dyn-a at runtime, dyn-c in the extra "c". */
function files(pin = '>=1.0'): Record<string, string> {
  return {
    'pyproject.toml': '[tool.uv.workspace]\nmembers = ["packages/*"]\n\n[tool.uv.sources]\ndyn-a = { workspace = true }\ndyn-c = { workspace = true }\n',
    'packages/a/pyproject.toml': `[project]\nname = "dyn-a"\nversion = "1.0.0"\nrequires-python = ">=3.9"\n\n${HATCH}`,
    'packages/a/dyn_a/__init__.py': '',
    'packages/c/pyproject.toml': `[project]\nname = "dyn-c"\nversion = "2.0.0"\nrequires-python = ">=3.9"\n\n${HATCH}`,
    'packages/c/dyn_c/__init__.py': '',
    'packages/b/pyproject.toml':
      `[project]\nname = "dyn-b"\nversion = "0.5.0"\nrequires-python = ">=3.9"\ndynamic = ["dependencies", "optional-dependencies"]\n\n${HATCH}\n` +
      '[tool.hatch.metadata.hooks.custom]\n',
    'packages/b/dyn_b/__init__.py': '',
    'packages/b/hatch_build.py': [
      'from hatchling.metadata.plugin.interface import MetadataHookInterface',
      '',
      'class CustomMetadataHook(MetadataHookInterface):',
      '    def update(self, metadata):',
      `        metadata["dependencies"] = ["dyn-a${pin}"]`,
      '        metadata["optional-dependencies"] = {"c": ["dyn-c>=2"]}',
      '',
    ].join('\n'),
  };
}

describe('dependencies computed by a metadata hook, from uv.lock', () => {
  const tmp = makeTempDir('nx-uv-locked-deps-');
  afterAll(() => tmp.cleanup());

  it('without uv.lock: no edges from the dynamic fields, and a warning naming the member, the fields and what to do', () => {
    const ws = modelUvWorkspace('/ws', memoryReader(files()));
    const b = ws.members.find((m) => m.name === 'dyn-b')!;
    expect(b.dependencies).toEqual([]);
    expect(b.dynamicDependencyFields).toEqual(['dependencies', 'optional-dependencies']);
    expect(ws.warnings).toEqual([
      'packages/b/pyproject.toml declares dynamic = ["dependencies", "optional-dependencies"]: nx-uv reads those from uv.lock, which does not exist; ' +
        'until `uv lock` records them, dyn-b has no dependency edges from them (affected, release order and dependent bumps miss them).',
    ]);
  });

  describe('locked by the real uv', () => {
    const root = path.join(tmp.dir, 'real');
    beforeAll(async () => {
      writeTree(root, files());
      await runUv(['lock'], { cwd: root, env: uvTestEnv() });
    });

    it('takes the runtime and the extra edge from uv.lock, marked locked', () => {
      const ws = loadUvWorkspace(root);
      expect(ws.warnings).toBeUndefined();
      const b = ws.members.find((m) => m.name === 'dyn-b')!;
      expect(b.dependencies.map((d) => [d.target, d.kind, d.section, d.requirement.raw, d.locked])).toEqual([
        // uv records a workspace source without its specifier (`{ name, editable }`).
        ['dyn-a', 'runtime', 'project.dependencies', 'dyn-a', true],
        ['dyn-c', 'optional', 'project.optional-dependencies.c', 'dyn-c', true],
      ]);
    });

    it('the Nx graph has the edges (so affected and the release order see them); a new uv.lock is read again', async () => {
      const pyprojects = Object.keys(files()).filter((f) => f.endsWith('pyproject.toml'));
      const graph = await inferNxProjectGraph(root, pyprojects);
      expect(graph.dependencies['dyn-b'].map((d) => d.target).sort()).toEqual(['dyn-a', 'dyn-c']);
      expect(graph.nodes['dyn-b'].data.targets?.publish?.dependsOn).toEqual(['build', { target: 'publish', projects: ['dyn-a'], params: 'forward' }]);
      const lockFile = path.join(root, 'uv.lock');
      const lock = fs.readFileSync(lockFile, 'utf8');
      try {
        fs.writeFileSync(
          lockFile,
          lock
            .replace(/, marker = "extra == 'c'", editable = "packages\/c" \}/, ', marker = "extra == \'c\'" }')
            .replace('{ name = "dyn-c", marker', '{ name = "other", marker'),
        );
        const again = await inferNxProjectGraph(root, pyprojects);
        expect(again.dependencies['dyn-b'].map((d) => d.target)).toEqual(['dyn-a']);
      } finally {
        fs.writeFileSync(lockFile, lock);
      }
    });

    it('a bump of dyn-a releases dyn-b (it requires it), with no requirement string to rewrite', () => {
      const ws = loadUvWorkspace(root);
      const plan = planRelease({
        members: planMembersFromWorkspace(ws),
        lastReleases: { 'dyn-a': '1.0.0', 'dyn-b': '0.5.0', 'dyn-c': '2.0.0' },
        commits: [{ commit: { hash: 'a'.repeat(40), subject: 'feat: x', body: '', parents: 1 }, members: ['dyn-a'] }],
      });
      expect(plan.packages.map((p) => [p.name, p.next])).toEqual([
        ['dyn-a', '1.1.0'],
        ['dyn-b', '0.5.1'],
      ]);
      expect(plan.requirementUpdates).toEqual([]);
    });

    it('pin leaves pyproject.toml alone and says why', () => {
      const ws = loadUvWorkspace(root);
      const b = ws.members.find((m) => m.name === 'dyn-b')!;
      // No plan with pins at all: nothing of dyn-b's pyproject.toml is edited.
      expect(planWorkspacePins(ws, ['dyn-b'])).toEqual([]);
      expect(lockedRequirementNotice(b)).toBe(
        'packages/b/pyproject.toml computes its dependencies (dynamic = ["dependencies", "optional-dependencies"]), so nx-uv cannot pin dyn-a, dyn-c in it; ' +
          "the metadata hook must write the exact pins (==<version>), and the build's audit of the wheel decides",
      );
    });

    it('a member missing from uv.lock is warned about', () => {
      const lock = fs.readFileSync(path.join(root, 'uv.lock'), 'utf8');
      const without = lock.replace(/\[\[package\]\]\nname = "dyn-b"[\s\S]*?(?=\n\[\[package\]\]|$)/, '');
      expect(without).not.toContain('name = "dyn-b"');
      const ws = modelUvWorkspace('/ws', memoryReader({ ...files(), 'uv.lock': without }));
      expect(ws.warnings).toEqual([expect.stringContaining('which has no entry for dyn-b; until `uv lock` records them')]);
    });
  });

  describe('build: the wheel audit decides', () => {
    const build = async (pin: string) => {
      const root = path.join(tmp.dir, `build${pin.replace(/\W/g, '')}`);
      writeTree(root, { 'nx.json': '{}\n', ...files(pin) });
      await runUv(['lock'], { cwd: root, env: uvTestEnv() });
      const log = captureLogger(logger);
      try {
        const context = nxExecutorContext(root, 'dyn-b', { 'dyn-a': 'packages/a', 'dyn-b': 'packages/b', 'dyn-c': 'packages/c' });
        const result = await runBuildExecutor({}, context, { env: uvTestEnv() });
        return {
          result,
          errors: log.error.join('\n'),
          dist: path.join(root, 'packages/b/dist'),
          pyproject: fs.readFileSync(path.join(root, 'packages/b/pyproject.toml'), 'utf8'),
        };
      } finally {
        log.restore();
      }
    };

    it('a hook that writes a range: the build is refused, saying nx-uv cannot pin a computed field', async () => {
      const r = await build('>=1.0');
      expect(r.result).toEqual({ success: false });
      expect(r.errors).toContain('workspace member dyn-a must be pinned ==1.0.0 (its current version), found ">=1.0"');
      expect(r.errors).toContain('so nx-uv cannot pin dyn-a, dyn-c in it; the metadata hook must write the exact pins');
      expect(fs.existsSync(r.dist)).toBe(false);
      expect(r.pyproject).toBe(files()['packages/b/pyproject.toml']);
    });
  });
});
