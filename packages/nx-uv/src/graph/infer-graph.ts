/**
 * The whole inference for one batch of pyproject.toml files: read each once, find the uv workspace
 * roots, model each workspace, turn members into Nx projects and edges; cached in memory and on disk.
 */
import { hashArray, logger } from '@nx/devkit';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CreateNodesResult } from '@nx/devkit';
import { compareCodeUnits } from '../workspace/sort-by-key';
import type { NxUvPluginOptions } from '../options';
import { toPosix } from '../posix-path';
import { isUvWorkspaceRootToml, modelUvWorkspace, sortByKey, UTF8, UvWorkspaceError } from '../workspace';
import { BatchReader, newReadLog, ReadLog, TomlSource } from './batch-reader';
import { CACHE_FORMAT, entryStillValid, GraphCacheFile, GraphEntry, memoGet, memoSet, recordForDependencies } from './cache';
import { timed } from './perf';
import { resolveGraphOptions, ResolvedGraphOptions, stableJson } from './plugin-options';
import { compareEdges, GraphEdge, inferEdges, inferProjects, joinRel, SlimWorkspace, slimWorkspace } from './projects';

const warned = new Set<string>();
/** Each model warning once per process (the graph is computed again on every file change). */
function warnOnce(message: string): void {
  if (warned.has(message)) return;
  warned.add(message);
  logger.warn(message);
}

export type NodesResult = readonly [file: string, result: CreateNodesResult];

export interface GraphContext {
  workspaceRoot: string;
  nxJsonConfiguration?: { namedInputs?: Record<string, unknown> } | null;
}

export interface GraphRun {
  /** createNodes results (fresh objects, the caller may keep them), sorted by file. */
  results: NodesResult[];
  entry: GraphEntry;
  /** Per-file errors: [pyproject.toml relative to the Nx root, error naming it]. */
  errors: [string, Error][];
  /** Where the entry came from. */
  source: 'memo' | 'disk' | 'computed';
}

export const PYPROJECT = 'pyproject.toml';

/**
 * A pyproject.toml can only declare `[tool.uv.workspace]` if it says `workspace` somewhere other
 * than in `x = { workspace = true }` (a source); only such files are parsed to find roots.
 */
const SOURCE_FLAG = /["']?[ \t]*=[ \t]*true\b/y;

export function mayDeclareUvWorkspace(text: string): boolean {
  // indexOf, then a sticky match at each hit: far cheaper than one unanchored regexp over the file.
  for (let at = text.indexOf('workspace'); at !== -1; at = text.indexOf('workspace', at + 9)) {
    SOURCE_FLAG.lastIndex = at + 9;
    if (!SOURCE_FLAG.test(text)) return true;
  }
  return false;
}

let codeFingerprint: string | undefined;
/**
 * The plugin version plus the size and mtime of the graph and model code (read once per process),
 * so a rebuilt plugin never trusts entries an older build wrote under the same version.
 */
function getCodeFingerprint(): string {
  if (codeFingerprint === undefined) {
    const parts: string[] = [];
    try {
      parts.push(String(JSON.parse(fs.readFileSync(path.join(__dirname, '../../package.json'), 'utf8')).version));
    } catch {
      parts.push('unknown');
    }
    for (const dir of [__dirname, path.join(__dirname, '../workspace')]) {
      try {
        for (const name of fs.readdirSync(dir).sort()) {
          if (!/\.(js|ts)$/.test(name) || name.endsWith('.spec.ts') || name.endsWith('.d.ts')) continue;
          const st = fs.statSync(path.join(dir, name));
          parts.push(`${name}:${st.size}:${st.mtimeMs}`);
        }
      } catch {
        parts.push(`${dir}:unreadable`);
      }
    }
    codeFingerprint = parts.join('|');
  }
  return codeFingerprint;
}

export interface GraphOptionsKey {
  resolved: ResolvedGraphOptions;
  namedInput: string;
  /** Hash of everything but the files: options, named input, plugin code, cache format. */
  optionsHash: string;
  /** Hash of the options alone: names the cache file (`nx-uv-<optionsFileHash>.hash`). */
  optionsFileHash: string;
}

export function graphOptionsKey(options: NxUvPluginOptions | undefined, context: GraphContext): GraphOptionsKey {
  const resolved = resolveGraphOptions(options);
  const namedInput = context.nxJsonConfiguration?.namedInputs?.production ? 'production' : 'default';
  const optionsJson = stableJson(options ?? {});
  const optionsHash = hashArray([`nx-uv-graph/${CACHE_FORMAT}`, getCodeFingerprint(), optionsJson, namedInput]);
  return { resolved, namedInput, optionsHash, optionsFileHash: hashArray([optionsJson]) };
}

function dirOf(file: string): string {
  return path.posix.dirname(file);
}

function isUnder(file: string, root: string): boolean {
  return root === '.' || file.startsWith(`${root}/`);
}

/** The error for Nx: a UvWorkspaceError whose message names the file (relative to the Nx root). */
function attribute(err: unknown, uvRoot: string, workspaceRoot: string, batch: Set<string>): [string, Error] {
  const rootFile = joinRel(uvRoot, PYPROJECT);
  const e = err instanceof Error ? err : new Error(String(err));
  const rawFile = (e as UvWorkspaceError).file;
  const line = (e as UvWorkspaceError).line;
  let file: string | undefined;
  if (typeof rawFile === 'string' && rawFile !== '') {
    file = path.isAbsolute(rawFile) ? toPosix(path.relative(workspaceRoot, rawFile)) : joinRel(uvRoot, path.posix.normalize(toPosix(rawFile)));
  }
  const named = file ?? rootFile;
  const mentions = e.message.includes(named) || (typeof rawFile === 'string' && rawFile !== '' && e.message.includes(rawFile));
  const message = mentions ? e.message : `${named}${line ? `:${line}` : ''}: ${e.message}`;
  const out = new UvWorkspaceError(message, named, line);
  (out as Error & { cause?: unknown }).cause = e;
  if (e.stack) out.stack = `${out.name}: ${message}\n${e.stack.split('\n').slice(1).join('\n')}`;
  return [batch.has(named) ? named : rootFile, out];
}

function logEntries(map: Map<string, string | null>): [string, string | null][] {
  return [...map.entries()].sort((a, b) => compareCodeUnits(a[0], b[0]));
}

/** Finds roots, models workspaces, builds projects and edges. No caching here. */
export function computeGraph(
  contents: Map<string, string>,
  key: GraphOptionsKey,
  workspaceRoot: string,
): { entry: GraphEntry; results: NodesResult[]; errors: [string, Error][] } {
  const files = [...contents.keys()];
  const batch = new Set(files);

  // 1. Roots: parse only files that may declare [tool.uv.workspace]; parses are reused below.
  const source = new TomlSource(contents);
  const parseErrors = new Map<string, unknown>();
  const roots: string[] = [];
  timed('nx-uv:find-uv-roots', () => {
    for (const f of files) {
      if (!mayDeclareUvWorkspace(contents.get(f) as string)) continue;
      try {
        const doc = source.toml(f);
        if (!doc) continue;
        source.seed(f, doc); // kept: the model reads roots (and these few candidates) again
        if (isUvWorkspaceRootToml(doc)) roots.push(dirOf(f));
      } catch (err) {
        parseErrors.set(f, err);
      }
    }
  });
  // Outer workspaces first, so a file claimed by two roots goes to the outer one.
  roots.sort((a, b) => depth(a) - depth(b) || compareCodeUnits(a, b));

  // 2. Model each workspace and infer its projects.
  const errors = new Map<string, Error>();
  const results: NodesResult[] = [];
  const emit: string[] = [];
  const claimed = new Set<string>();
  const nameToFile = new Map<string, string>();
  const workspaces: SlimWorkspace[] = [];
  const edgeLists: GraphEdge[][] = [];
  const log: ReadLog = newReadLog();

  for (const uvRoot of roots) {
    const reader = new BatchReader(path.join(workspaceRoot, uvRoot), uvRoot, sourceUnder(uvRoot, files, contents, source), log);
    let slim: SlimWorkspace;
    let edges: GraphEdge[];
    try {
      const ws = timed(`nx-uv:model-uv-workspace ${uvRoot}`, () => modelUvWorkspace(path.join(workspaceRoot, uvRoot), reader));
      slim = slimWorkspace(ws, uvRoot);
      edges = inferEdges(ws, uvRoot, key.resolved.optionalDependencyEdges);
      // Each warning starts with a path relative to the uv root: prefix it to be relative to the Nx root.
      for (const warning of ws.warnings ?? []) warnOnce(`nx-uv: ${joinRel(uvRoot, warning)}`);
    } catch (err) {
      const [file, error] = attribute(err, uvRoot, workspaceRoot, batch);
      if (!errors.has(file)) errors.set(file, error);
      continue;
    }
    const behindSymlinks = markMembersBehindSymlinks(slim, batch, workspaceRoot);
    workspaces.push(slim);

    const inferred = timed('nx-uv:infer-projects', () => inferProjects(slim, key.resolved, key.namedInput));
    for (const p of inferred) {
      if ((!batch.has(p.file) && !behindSymlinks.has(p.file)) || claimed.has(p.file)) continue;
      const name = p.config.name as string;
      const other = nameToFile.get(name);
      if (other !== undefined) {
        errors.set(
          p.file,
          new UvWorkspaceError(
            `${p.file}: nx-uv infers the Nx project name "${name}" for both ${other} and ${p.file}. ` +
              'Give the plugin a "projectName" template (e.g. "py-{name}") or a different "workspaceProjectName", ' +
              'or register nx-uv twice in nx.json with "include" globs and different names.',
            p.file,
          ),
        );
        continue;
      }
      claimed.add(p.file);
      nameToFile.set(name, p.file);
      emit.push(p.file);
      results.push([p.file, { projects: { [p.root]: p.config } }]);
    }
    edgeLists.push(edges);
  }

  // A broken candidate outside every modelled workspace may be a broken root: say so. Inside a
  // modelled workspace it is a file uv ignores (the model fails by itself if a member is broken).
  for (const [file, err] of parseErrors) {
    if (errors.has(file) || workspaces.some((w) => isUnder(file, w.uvRoot))) continue;
    const [, error] = attribute(err, '.', workspaceRoot, batch);
    errors.set(file, error);
  }

  const entry: GraphEntry = {
    workspaces,
    emit: emit.sort(),
    edges: mergeEdges(edgeLists),
    reads: logEntries(log.files),
    dirs: logEntries(log.dirs),
  };
  const errorList = [...errors.entries()].sort((a, b) => compareCodeUnits(a[0], b[0]));
  return { entry, results: sortResults(results), errors: errorList };
}

/**
 * Flags the members whose pyproject.toml Nx did not list because their directory is a symlink (uv
 * follows it; Nx's file walk does not): their projects are emitted all the same. Only members
 * missing from the batch are checked, and only a resolved path that differs counts (a member left out
 * by an `include` of another registration resolves to itself and stays out). Returns their files.
 */
function markMembersBehindSymlinks(slim: SlimWorkspace, batch: ReadonlySet<string>, workspaceRoot: string): Set<string> {
  const files = new Set<string>();
  let realRoot: string | undefined;
  for (const m of slim.members) {
    const file = joinRel(slim.uvRoot, m.pyprojectPath);
    if (batch.has(file)) continue;
    const dir = path.join(workspaceRoot, joinRel(slim.uvRoot, m.root));
    try {
      realRoot ??= fs.realpathSync(workspaceRoot);
      if (fs.realpathSync(dir) === path.join(realRoot, joinRel(slim.uvRoot, m.root))) continue;
    } catch {
      continue;
    }
    m.outsideNx = true;
    files.add(file);
  }
  return files;
}

/** Edges of all workspaces, sorted, each (source file, target root) once. */
function mergeEdges(lists: GraphEdge[][]): GraphEdge[] {
  if (lists.length === 1) return lists[0]; // inferEdges returns them sorted and unique
  const seen = new Set<string>();
  const out: GraphEdge[] = [];
  for (const list of lists) {
    for (const e of list) {
      const k = `${e[0]}\0${e[1]}`;
      if (!seen.has(k)) {
        seen.add(k);
        out.push(e);
      }
    }
  }
  return out.sort(compareEdges);
}

/** The batch's files under a uv root keyed relative to it, sharing the parses already done. */
function sourceUnder(uvRoot: string, files: string[], contents: Map<string, string>, all: TomlSource): TomlSource {
  if (uvRoot === '.') return all;
  const prefix = `${uvRoot}/`;
  const texts = new Map<string, string>();
  for (const f of files) if (f.startsWith(prefix)) texts.set(f.slice(prefix.length), contents.get(f) as string);
  const source = new TomlSource(texts);
  for (const rel of texts.keys()) {
    const doc = all.parsedDoc(prefix + rel);
    if (doc) source.seed(rel, doc);
  }
  return source;
}

function depth(root: string): number {
  return root === '.' ? 0 : root.split('/').length;
}

function sortResults(results: NodesResult[]): NodesResult[] {
  return sortByKey(results, (result) => result[0]);
}

/** createNodes results from a cached entry: fresh objects every time. */
export function resultsFromEntry(entry: GraphEntry, key: GraphOptionsKey): NodesResult[] {
  const pending = new Set(entry.emit);
  const results: NodesResult[] = [];
  for (const ws of entry.workspaces) {
    for (const p of inferProjects(ws, key.resolved, key.namedInput)) {
      if (!pending.delete(p.file)) continue;
      results.push([p.file, { projects: { [p.root]: p.config } }]);
    }
  }
  return sortResults(results);
}

/** Reads the batch once (missing files are skipped), keyed by Nx-relative POSIX path, sorted. */
export function readBatch(files: readonly string[], workspaceRoot: string): Map<string, string> {
  const sorted = [...new Set(files.map(toPosix))].sort();
  const contents = new Map<string, string>();
  const prefix = workspaceRoot.endsWith(path.sep) ? workspaceRoot : workspaceRoot + path.sep;
  for (const f of sorted) {
    try {
      contents.set(f, fs.readFileSync(prefix + f, UTF8));
    } catch {
      // deleted since Nx listed it
    }
  }
  return contents;
}

export function batchHash(contents: Map<string, string>, optionsHash: string): string {
  const parts: string[] = [optionsHash];
  for (const [f, text] of contents) parts.push(f, text);
  return hashArray(parts);
}

/**
 * The graph of a batch of pyproject.toml files (paths relative to the Nx root), from the
 * in-process memo, the cache file, or computed (then cached, unless there were errors).
 */
export function inferGraph(files: readonly string[], options: NxUvPluginOptions | undefined, context: GraphContext): GraphRun {
  const key = graphOptionsKey(options, context);
  const { workspaceRoot } = context;
  const contents = timed('nx-uv:read-pyprojects', () => readBatch(files, workspaceRoot));
  const hash = timed('nx-uv:hash-pyprojects', () => batchHash(contents, key.optionsHash));

  const batchId = hashArray([...contents.keys()]);
  const remember = (entry: GraphEntry, complete: boolean): void => {
    if (complete) memoSet(workspaceRoot, hash, entry);
    recordForDependencies(workspaceRoot, key.optionsHash, batchId, entry);
  };

  const memoised = memoGet(workspaceRoot, hash);
  if (memoised && entryStillValid(memoised, workspaceRoot)) {
    remember(memoised, true);
    return { results: resultsFromEntry(memoised, key), entry: memoised, errors: [], source: 'memo' };
  }

  const cache = new GraphCacheFile(workspaceRoot, key.optionsFileHash);
  try {
    const cached = cache.get(hash);
    if (cached && entryStillValid(cached, workspaceRoot)) {
      remember(cached, true);
      return { results: resultsFromEntry(cached, key), entry: cached, errors: [], source: 'disk' };
    }
    const { entry, results, errors } = timed('nx-uv:compute-graph', () => computeGraph(contents, key, workspaceRoot));
    // A graph with errors is not cached: the next run must report them again.
    remember(entry, errors.length === 0);
    if (errors.length === 0) cache.set(hash, entry);
    else if (cached) cache.delete(hash);
    return { results, entry, errors, source: 'computed' };
  } finally {
    timed('nx-uv:write-cache', () => cache.save());
  }
}
