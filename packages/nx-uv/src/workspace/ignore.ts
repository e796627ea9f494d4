/**
 * "Does this directory hold only ignored files?" — uv skips a glob-matched directory without a
 * pyproject.toml when walking it (respecting `.gitignore` and `.ignore` files) yields no file, e.g. a
 * leftover `__pycache__/`. The rules of each file are the `ignore` package's (git's syntax, case
 * sensitive as git and uv are on Linux); the deepest file that decides wins, `.ignore` over
 * `.gitignore`. Only used on the (rare) path where a matched directory has no pyproject.toml, so it
 * never walks the tree in the normal case.
 */
import ignore, { type Ignore } from 'ignore';
import { childPath } from '../posix-path';
import type { WorkspaceReader } from './reader';

/** The rules of the ignore files of one directory (`base`, relative to the root; '' for the root). */
interface IgnoreLayer {
  base: string;
  rules: Ignore;
}

/** In order of precedence, lowest first. */
const IGNORE_FILES = ['.gitignore', '.ignore'];

function layersIn(reader: WorkspaceReader, dir: string): IgnoreLayer[] {
  const texts = IGNORE_FILES.map((file) => reader.readText(childPath(dir, file))).filter((text): text is string => text !== undefined);
  if (texts.length === 0) return [];
  const rules = ignore({ ignorecase: false });
  for (const text of texts) rules.add(text);
  return [{ base: dir, rules }];
}

function isIgnored(layers: IgnoreLayer[], path: string, isDirectory: boolean): boolean {
  for (let i = layers.length - 1; i >= 0; i--) {
    const { base, rules } = layers[i];
    if (base !== '' && !path.startsWith(`${base}/`)) continue;
    const relative = base === '' ? path : path.slice(base.length + 1);
    const result = rules.test(isDirectory ? `${relative}/` : relative);
    if (result.ignored) return true;
    if (result.unignored) return false;
  }
  return false;
}

/** True when `dir` (relative to the root) contains no file that `.gitignore`/`.ignore` rules keep. */
export function hasOnlyIgnoredFiles(reader: WorkspaceReader, dir: string): boolean {
  const layers: IgnoreLayer[] = [];
  const parts = dir.split('/');
  for (let depth = 0; depth < parts.length; depth++) layers.push(...layersIn(reader, parts.slice(0, depth).join('/')));

  const walk = (current: string, inherited: IgnoreLayer[]): boolean => {
    const here = [...inherited, ...layersIn(reader, current)];
    for (const entry of reader.listDir(current) ?? []) {
      if (entry.name === '.git') continue;
      const path = childPath(current, entry.name);
      if (isIgnored(here, path, entry.isDirectory)) continue;
      if (!entry.isDirectory) return false;
      if (!walk(path, here)) return false;
    }
    return true;
  };
  return walk(dir, layers);
}
