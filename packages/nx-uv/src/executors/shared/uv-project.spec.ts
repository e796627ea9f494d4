import { logger } from '@nx/devkit';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { defaultJournalDir, hasJournal, pinChanges, pinFiles, planWorkspacePins, readJournal } from '../../pin';
import { loadUvWorkspace } from '../../workspace';
import { makeTempDir, writeTree } from '../../testing/tools';
import { NotAUvMemberError, resolveUvProject } from './uv-project';
import { runNxUvExecutor } from './run-executor';
import { nxUvPluginOptions } from './plugin-options';
import { captureLogger, executorContext, snapshotPyprojects, writeUvWorkspace } from './__fixtures__/uv-workspace';

describe('resolveUvProject', () => {
  const tmp = makeTempDir('nx-uv-shared-');
  beforeAll(() => writeUvWorkspace(tmp.dir));
  afterAll(() => tmp.cleanup());

  it('finds the uv workspace above the project and the member at its root', () => {
    const p = resolveUvProject(executorContext(tmp.dir, 'pkg-b'));
    expect(p.workspace.absRoot).toBe(path.join(tmp.dir, 'py'));
    expect(p.member.name).toBe('pkg-b');
    expect(p.member.distributionName).toBe('Pkg_B');
    expect(p.absProjectRoot).toBe(path.join(tmp.dir, 'py/packages/b'));
    expect(resolveUvProject(executorContext(tmp.dir, 'scripts')).member.isPackage).toBe(false);
  });

  it('says clearly when the project is not a uv member', () => {
    expect(() => resolveUvProject(executorContext(tmp.dir, 'docs'))).toThrow(
      "nx-uv: project 'docs' (docs) is not in a uv workspace: there is no pyproject.toml with [tool.uv.workspace] in docs or above it",
    );
    expect(() => resolveUvProject(executorContext(tmp.dir, 'uv-workspace'))).toThrow(
      /project 'uv-workspace' \(py\) is not a member of the uv workspace at py: it is the virtual root/,
    );
    expect(() => resolveUvProject(executorContext(tmp.dir, 'nope'))).toThrow(NotAUvMemberError);
    expect(() => resolveUvProject({ ...executorContext(tmp.dir, 'x'), projectName: undefined })).toThrow(/must run on a project/);
  });

  it('names the workspace whose members leave the project out', () => {
    const dir = makeTempDir('nx-uv-shared-excl-');
    try {
      writeUvWorkspace(dir.dir, {
        'py/pyproject.toml':
          '[tool.uv.workspace]\nmembers = ["packages/*"]\nexclude = ["packages/c"]\n\n[tool.uv.sources]\npkg-a = { workspace = true }\npkg-b = { workspace = true }\n',
      });
      fs.rmSync(path.join(dir.dir, 'py/tools'), { recursive: true });
      expect(() => resolveUvProject(executorContext(dir.dir, 'pkg-c'))).toThrow(
        "nx-uv: project 'pkg-c' (py/packages/c) is not a member of the uv workspace at py: py/pyproject.toml's [tool.uv.workspace] members/exclude do not include packages/c",
      );
    } finally {
      dir.cleanup();
    }
  });

  it('takes a lone uv project (no [tool.uv.workspace]) as its own workspace', () => {
    const dir = makeTempDir('nx-uv-shared-lone-');
    try {
      writeTree(dir.dir, { 'solo/pyproject.toml': '[project]\nname = "solo"\nversion = "1.0"\n' });
      const ctx = executorContext(dir.dir, 'solo');
      ctx.projectsConfigurations.projects.solo = { root: 'solo' };
      const p = resolveUvProject(ctx);
      expect(p.member.root).toBe('.');
      expect(p.member.name).toBe('solo');
    } finally {
      dir.cleanup();
    }
  });
});

describe('runNxUvExecutor', () => {
  const tmp = makeTempDir('nx-uv-run-');
  beforeAll(() => writeUvWorkspace(tmp.dir));
  afterAll(() => tmp.cleanup());

  it('restores the pins a crashed run left before the body runs, and turns errors into success: false', async () => {
    const original = snapshotPyprojects(tmp.dir);
    const journalDir = defaultJournalDir(tmp.dir);
    const ws = loadUvWorkspace(path.join(tmp.dir, 'py'));
    const entry = pinFiles(journalDir, pinChanges(ws.absRoot, planWorkspacePins(ws, ['pkg-c'])), { persistent: false, id: 'crashed' })!;
    const file = path.join(journalDir, `${entry.id}.json`);
    fs.writeFileSync(file, JSON.stringify({ ...JSON.parse(fs.readFileSync(file, 'utf8')), pid: 999999, hostname: os.hostname() }));
    expect(fs.readFileSync(path.join(tmp.dir, 'py/packages/c/pyproject.toml'), 'utf8')).toContain('Pkg_B==0.3.0rc1');

    const log = captureLogger(logger);
    try {
      let seen: Record<string, Buffer> | undefined;
      const r = await runNxUvExecutor('test', executorContext(tmp.dir, 'pkg-a'), () => {
        seen = snapshotPyprojects(tmp.dir);
        return true;
      });
      expect(r).toEqual({ success: true });
      expect(seen).toEqual(original);
      expect(hasJournal(journalDir)).toBe(false);
      expect(log.warn.join('\n')).toMatch(/interrupted .*restored 1 file\(s\) first: py\/packages\/c\/pyproject\.toml/);

      const failed = await runNxUvExecutor('test', executorContext(tmp.dir, 'pkg-a'), () => {
        throw new Error('nx-uv: boom in pkg-a');
      });
      expect(failed).toEqual({ success: false });
      expect(log.error).toEqual(['nx-uv test (pkg-a) failed: boom in pkg-a']);
      expect(readJournal(journalDir)).toEqual([]);
    } finally {
      log.restore();
    }
  });
});

describe('nxUvPluginOptions', () => {
  it('reads the options of the first nx-uv plugin entry, with the defaults the graph applies', () => {
    const opts = (plugins: unknown[]) => nxUvPluginOptions({ nxJsonConfiguration: { plugins: plugins as never } });
    const defaults = opts([]);
    expect(defaults).toMatchObject({ buildOutputPath: 'dist', tagFormat: '{name}-v{version}', publishExclude: [], bumpExclude: [] });
    expect(defaults.groups).toBeUndefined();
    expect(opts(['@nx/js', 'nx-uv'])).toEqual(defaults);
    expect(
      opts([
        { plugin: '@nx/js', options: { buildOutputPath: 'no' } },
        { plugin: 'nx-uv', options: { buildOutputPath: './out/', umbrellaTag: 'py/v{version}' } },
      ]),
    ).toEqual({ ...defaults, buildOutputPath: 'out', umbrellaTag: 'py/v{version}' });
    // One reader for generators and executors: options that are not an object are an error naming the entry.
    expect(() => opts([{ plugin: 'nx-uv', options: 'oops' }])).toThrow(/nx.json: plugins\[0\] \(nx-uv\) has "options" that is not an object/);
    expect(nxUvPluginOptions({ nxJsonConfiguration: {} })).toEqual(defaults);
  });
});
