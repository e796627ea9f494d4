/**
 * Project selectors of the plugin options (`groups.<name>.projects`, `publishExclude`, `bumpExclude`):
 * each entry an Nx project name glob (picomatch) or `tag:<nx tag>`. Pure.
 */
import picomatch from 'picomatch';

export type ProjectMatcher = (name: string, tags: readonly string[]) => boolean;

/** A matcher for `patterns`; throws naming `option` when they are not an array of strings. */
export function projectSelector(patterns: unknown, option: string): ProjectMatcher {
  if (patterns === undefined) return () => false;
  if (!Array.isArray(patterns) || patterns.some((p) => typeof p !== 'string' || p === '')) {
    throw new Error(`nx-uv: ${option} in nx.json must be an array of project name patterns or "tag:<tag>", got ${JSON.stringify(patterns)}`);
  }
  const matchers = (patterns as string[]).map((p): ProjectMatcher => {
    if (p.startsWith('tag:')) {
      const tag = p.slice(4);
      return (_name, tags) => tags.includes(tag);
    }
    const glob = picomatch(p);
    return (name) => glob(name);
  });
  return (name, tags) => matchers.some((match) => match(name, tags));
}
