/**
 * "Does this directory hold only ignored files?" — uv skips a glob-matched directory without a
 * pyproject.toml when walking it (respecting `.gitignore` and `.ignore` files) yields no file, e.g. a
 * leftover `__pycache__/`. A compact gitignore subset: `#` comments, `!` negation, trailing `/` for
 * directories, patterns with a `/` anchored to their file's directory, others matching any basename;
 * the last matching rule wins. Only used on the (rare) path where a matched directory has no
 * pyproject.toml, so it never walks the tree in the normal case.
 */
import picomatch from 'picomatch';
import type { WorkspaceReader } from './reader';

interface IgnoreRule {
  base: string;
  negate: boolean;
  dirOnly: boolean;
  anchored: boolean;
  match: (path: string) => boolean;
}

const IGNORE_FILES = ['.gitignore', '.ignore'];

function join(dir: string, name: string): string {
  return dir === '' ? name : `${dir}/${name}`;
}

function parseIgnoreFile(text: string, base: string): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  for (const rawLine of text.split(/\r?\n/)) {
    let line = rawLine.trimEnd();
    if (line === '' || line.startsWith('#')) continue;
    let negate = false;
    if (line.startsWith('!')) {
      negate = true;
      line = line.slice(1);
    } else if (line.startsWith('\\')) {
      line = line.slice(1);
    }
    let dirOnly = false;
    if (line.endsWith('/')) {
      dirOnly = true;
      line = line.replace(/\/+$/, '');
    }
    if (line === '') continue;
    const anchored = line.includes('/');
    const pattern = line.replace(/^\//, '');
    rules.push({ base, negate, dirOnly, anchored, match: picomatch(pattern, { dot: true }) });
  }
  return rules;
}

function rulesIn(reader: WorkspaceReader, dir: string): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  for (const file of IGNORE_FILES) {
    const text = reader.readText(join(dir, file));
    if (text !== undefined) rules.push(...parseIgnoreFile(text, dir));
  }
  return rules;
}

function isIgnored(rules: IgnoreRule[], path: string, isDirectory: boolean): boolean {
  let ignored = false;
  for (const rule of rules) {
    if (rule.dirOnly && !isDirectory) continue;
    if (rule.base !== '' && !path.startsWith(`${rule.base}/`)) continue;
    const relative = rule.base === '' ? path : path.slice(rule.base.length + 1);
    const subject = rule.anchored ? relative : relative.slice(relative.lastIndexOf('/') + 1);
    if (rule.match(subject)) ignored = !rule.negate;
  }
  return ignored;
}

/** True when `dir` (relative to the root) contains no file that `.gitignore`/`.ignore` rules keep. */
export function hasOnlyIgnoredFiles(reader: WorkspaceReader, dir: string): boolean {
  const rules: IgnoreRule[] = [];
  const parts = dir.split('/');
  for (let depth = 0; depth < parts.length; depth++) rules.push(...rulesIn(reader, parts.slice(0, depth).join('/')));

  const walk = (current: string, inherited: IgnoreRule[]): boolean => {
    const here = [...inherited, ...rulesIn(reader, current)];
    for (const entry of reader.listDir(current) ?? []) {
      if (entry.name === '.git') continue;
      const path = join(current, entry.name);
      if (isIgnored(here, path, entry.isDirectory)) continue;
      if (!entry.isDirectory) return false;
      if (!walk(path, here)) return false;
    }
    return true;
  };
  return walk(dir, rules);
}
