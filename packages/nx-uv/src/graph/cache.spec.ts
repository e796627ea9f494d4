import * as fs from 'node:fs';
import * as path from 'node:path';
import type { NxUvPluginOptions } from '../options';
import { makeTempDir, writeTree } from '../testing/tools';
import { pyproject, sampleWorkspace, virtualRoot } from './__fixtures__/trees';
import { parseStats } from './batch-reader';
import { CACHE_FORMAT, resetGraphMemo, workspaceDataDirectory } from './cache';
import { inferGraph } from './infer-graph';

let dir: string;
let cleanup: () => void;
const savedEnv = { ...process.env };

beforeEach(() => {
  ({ dir, cleanup } = makeTempDir('nx-uv-cache-'));
  resetGraphMemo();
  parseStats.parses = 0;
  delete process.env.NX_WORKSPACE_DATA_DIRECTORY;
  delete process.env.NX_PROJECT_GRAPH_CACHE_DIRECTORY;
});
afterEach(() => {
  process.env = { ...savedEnv };
  cleanup();
});

const files = () => {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (e.name !== '.nx' && e.name !== 'cache-here') walk(child);
      } else if (e.name === 'pyproject.toml') out.push(child);
    }
  };
  walk('');
  return out.sort();
};

function infer(optionsOrFiles?: NxUvPluginOptions | string[]) {
  const [batch, options] = Array.isArray(optionsOrFiles) ? [optionsOrFiles, undefined] : [files(), optionsOrFiles];
  return inferGraph(batch, options, { workspaceRoot: dir, nxJsonConfiguration: {} });
}

function cacheFiles(dataDir = path.join(dir, '.nx', 'workspace-data')): string[] {
  return fs.existsSync(dataDir) ? fs.readdirSync(dataDir).filter((f) => /^nx-uv-.*\.hash$/.test(f)) : [];
}

describe('inference cache', () => {
  it('writes nx-uv-<options hash>.hash under .nx/workspace-data and serves the next process from it without parsing', () => {
    writeTree(dir, sampleWorkspace());
    const first = infer();
    expect(first.source).toBe('computed');
    expect(parseStats.parses).toBeGreaterThanOrEqual(5);
    expect(cacheFiles()).toHaveLength(1);

    resetGraphMemo(); // a new process
    parseStats.parses = 0;
    const second = infer();
    expect(second.source).toBe('disk');
    expect(parseStats.parses).toBe(0);
    expect(JSON.stringify(second.entry)).toBe(JSON.stringify(first.entry));
    expect(JSON.stringify(second.results)).toBe(JSON.stringify(first.results));
    expect(second.results).not.toBe(first.results);
  });

  it.each([['.'], ['py']])('parses each pyproject.toml once, even those root detection parsed (uv root %s)', (root) => {
    const p = (rel: string) => (root === '.' ? rel : `${root}/${rel}`);
    writeTree(dir, {
      [p('pyproject.toml')]: virtualRoot(['m/*']),
      // mentions "workspace", so root detection parses it too
      [p('m/a/pyproject.toml')]: pyproject('a', { extra: '[tool.notes]\ntext = "part of the workspace"' }),
      [p('m/b/pyproject.toml')]: pyproject('b', { deps: ['a'], sources: ['a'] }),
      'elsewhere/pyproject.toml': '[tool.black]\n',
    });
    const run = infer();
    expect(run.errors).toEqual([]);
    expect(run.results).toHaveLength(3);
    expect(parseStats.parses).toBe(3);
  });

  it('serves the same process from memory', () => {
    writeTree(dir, sampleWorkspace());
    infer();
    fs.rmSync(path.join(dir, '.nx'), { recursive: true });
    parseStats.parses = 0;
    expect(infer().source).toBe('memo');
    expect(parseStats.parses).toBe(0);
  });

  it('recomputes when a pyproject.toml changes', () => {
    writeTree(dir, sampleWorkspace());
    infer();
    resetGraphMemo();
    writeTree(dir, { 'packages/b/pyproject.toml': pyproject('pkg-b', { deps: ['pkg-c'], sources: ['pkg-c'] }) });
    const again = infer();
    expect(again.source).toBe('computed');
    expect(again.entry.edges).toContainEqual(['packages/b/pyproject.toml', 'packages/c']);
    // back to the first content: its entry is still in the cache file
    writeTree(dir, { 'packages/b/pyproject.toml': pyproject('pkg-b') });
    const third = infer();
    expect(third.source).toBe('disk');
    expect(third.entry.edges).not.toContainEqual(['packages/b/pyproject.toml', 'packages/c']);
  });

  it('recomputes when a hatch version file changes', () => {
    writeTree(dir, {
      'pyproject.toml': virtualRoot(['p/*']),
      'p/h/pyproject.toml':
        '[project]\nname = "h"\ndynamic = ["version"]\n\n[tool.hatch.version]\npath = "src/h/__about__.py"\n\n' +
        '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n',
      'p/h/src/h/__about__.py': '__version__ = "1.2.3"\n',
    });
    const meta = (run: ReturnType<typeof infer>) =>
      (run.results.find(([f]) => f === 'p/h/pyproject.toml')![1].projects!['p/h'].metadata as { uv: { version: string } }).uv.version;
    const first = infer();
    expect(meta(first)).toBe('1.2.3');
    expect(first.entry.reads.map(([f]) => f)).toContain('p/h/src/h/__about__.py');

    resetGraphMemo();
    expect(infer().source).toBe('disk');
    writeTree(dir, { 'p/h/src/h/__about__.py': '__version__ = "1.3.0"\n' });
    const memoRun = infer();
    expect(memoRun.source).toBe('computed');
    expect(meta(memoRun)).toBe('1.3.0');
  });

  it('recomputes when a directory the member globs list changes', () => {
    writeTree(dir, sampleWorkspace());
    infer();
    resetGraphMemo();
    // a hidden directory is skipped by uv, but the listing changed: the cache must not be trusted blindly
    fs.mkdirSync(path.join(dir, 'packages', '.cache'));
    expect(infer().source).toBe('computed');
  });

  it('trusts the cache again when the globbed directory holds a symlinked member', () => {
    writeTree(dir, { ...sampleWorkspace(), 'real/e/pyproject.toml': pyproject('pkg-e') });
    fs.symlinkSync(path.join(dir, 'real', 'e'), path.join(dir, 'packages', 'e'));
    const first = infer([...files(), 'packages/e/pyproject.toml']);
    expect(first.results.map(([f]) => f)).toContain('packages/e/pyproject.toml');
    resetGraphMemo();
    expect(infer([...files(), 'packages/e/pyproject.toml']).source).toBe('disk');
  });

  it('keys the cache file by the options, and the entry by the options too', () => {
    writeTree(dir, sampleWorkspace());
    infer();
    infer({ projectName: 'py-{name}' });
    expect(cacheFiles()).toHaveLength(2);
    resetGraphMemo();
    const run = infer({ projectName: 'py-{name}' });
    expect(run.source).toBe('disk');
    expect(run.results.map(([, r]) => Object.values(r.projects!)[0].name)).toContain('py-pkg-a');
  });

  it('honours NX_WORKSPACE_DATA_DIRECTORY (relative to the workspace root)', () => {
    process.env.NX_WORKSPACE_DATA_DIRECTORY = 'cache-here';
    expect(workspaceDataDirectory(dir)).toBe(path.join(dir, 'cache-here'));
    writeTree(dir, sampleWorkspace());
    infer();
    expect(cacheFiles(path.join(dir, 'cache-here'))).toHaveLength(1);
    expect(fs.existsSync(path.join(dir, '.nx'))).toBe(false);
  });

  it('does not cache a run with errors, and ignores a corrupt cache file', () => {
    writeTree(dir, { ...sampleWorkspace(), 'packages/b/pyproject.toml': '[project\n' });
    expect(infer().errors).toHaveLength(1);
    resetGraphMemo();
    expect(infer().errors).toHaveLength(1);

    writeTree(dir, sampleWorkspace());
    resetGraphMemo();
    infer();
    const [cacheFile] = cacheFiles();
    fs.writeFileSync(path.join(dir, '.nx', 'workspace-data', cacheFile), '{not json');
    resetGraphMemo();
    const run = infer();
    expect(run.source).toBe('computed');
    expect(run.errors).toEqual([]);
    expect(JSON.parse(fs.readFileSync(path.join(dir, '.nx', 'workspace-data', cacheFile), 'utf8')).format).toBe(CACHE_FORMAT);
  });
});
