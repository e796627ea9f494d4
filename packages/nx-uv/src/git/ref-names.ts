/**
 * Checks of values that reach a git command line from options or configuration (remotes, tag and
 * branch names), so that no value is ever read by git as an option (`--receive-pack=<cmd>`) and a bad
 * name fails with a message naming the option instead of a raw git error. Pure. The ref rules are
 * those of `git check-ref-format` (see its manual), checked here without a process.
 */

export class GitInputError extends Error {
  override readonly name = 'GitInputError';
}

// ASCII control characters, space, and the characters check-ref-format forbids anywhere.
const FORBIDDEN = /[\x00-\x20\x7f~^:?*[\\]/;

/** Why `name` is not a valid full ref name component path (`refs/tags/<name>`), or undefined. */
export function refNameProblem(name: string): string | undefined {
  if (name === '') return 'it is empty';
  if (name.startsWith('-')) return 'it starts with "-" (git would read it as an option)';
  if (FORBIDDEN.test(name)) return 'it holds a space, a control character or one of ~ ^ : ? * [ \\';
  if (name.includes('..')) return 'it holds ".."';
  if (name.includes('@{') || name === '@') return 'it holds "@{" or is "@"';
  if (name.startsWith('/') || name.endsWith('/') || name.includes('//')) return 'it starts or ends with "/" or holds "//"';
  if (name.endsWith('.')) return 'it ends with "."';
  for (const part of name.split('/')) {
    if (part.startsWith('.')) return `its part "${part}" starts with "."`;
    if (part.endsWith('.lock')) return `its part "${part}" ends with ".lock"`;
  }
  return undefined;
}

/** Throws GitInputError naming `what` (e.g. `tag "x"`, from tagFormat) when `name` is no valid ref name. */
export function assertRefName(name: string, what: string): void {
  const problem = refNameProblem(name);
  if (problem) throw new GitInputError(`nx-uv: ${what} ${JSON.stringify(name)} is not a valid git ref name: ${problem}`);
}

/** A remote as the user names it: a configured remote name or a URL, never something that looks like an option. */
export function assertRemote(remote: string, option = '--remote'): void {
  if (remote === '' || remote.startsWith('-') || /[\x00-\x20\x7f]/.test(remote)) {
    throw new GitInputError(
      `nx-uv: ${option} must name a git remote (such as "origin") or its URL; ${JSON.stringify(remote)} is neither` +
        (remote.startsWith('-') ? ' (it starts with "-", which git would read as an option)' : ''),
    );
  }
}
