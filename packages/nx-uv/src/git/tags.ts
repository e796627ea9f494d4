/** Tags: list (one `for-each-ref`), create annotated (idempotent), push (one atomic `git push`). */
import picomatch from 'picomatch';
import { assertRefName, assertRemote } from './ref-names';
import { GitError, runGit } from './run-git';

export interface TagInfo {
  name: string;
  /** The commit the tag points to (peeled through annotated tag objects). */
  commit: string;
  annotated: boolean;
}

export interface GitEnvOption {
  env?: NodeJS.ProcessEnv;
}

export interface ListTagsOptions extends GitEnvOption {
  /** Only tags whose commit is an ancestor of (or is) this commit (`--merged`), e.g. `HEAD`. */
  mergedInto?: string;
}

/** A glob over the tag name (picomatch: `*` does not cross `/`), a RegExp, or a predicate. */
export type TagPattern = string | RegExp | ((name: string) => boolean);

function tagMatcher(pattern: TagPattern | undefined): (name: string) => boolean {
  if (pattern === undefined) return () => true;
  if (typeof pattern === 'function') return pattern;
  if (pattern instanceof RegExp) return (name) => pattern.test(name);
  return picomatch(pattern, { dot: true });
}

const TAG_FORMAT = '%(refname)%00%(objecttype)%00%(objectname)%00%(*objecttype)%00%(*objectname)';

/**
 * All tags (optionally filtered by name) with the commit each points to, in one `git for-each-ref`
 * call. Tags of trees or blobs are left out; a tag of a tag (rare) costs one more `rev-parse` for all such.
 */
export async function listTags(cwd: string, pattern?: TagPattern, options: ListTagsOptions = {}): Promise<TagInfo[]> {
  const matches = tagMatcher(pattern);
  const merged = options.mergedInto === undefined ? [] : [`--merged=${options.mergedInto}`];
  const { stdout } = await runGit(cwd, ['for-each-ref', `--format=${TAG_FORMAT}`, ...merged, 'refs/tags'], options);
  const tags: TagInfo[] = [];
  const nested: TagInfo[] = [];
  for (const line of stdout.split('\n')) {
    if (!line) continue;
    const [ref, type, sha, peeledType, peeledSha] = line.split('\0');
    const name = ref.replace(/^refs\/tags\//, '');
    if (!matches(name)) continue;
    if (type === 'commit') tags.push({ name, commit: sha, annotated: false });
    else if (type === 'tag' && peeledType === 'commit') tags.push({ name, commit: peeledSha, annotated: true });
    else if (type === 'tag' && peeledType === 'tag') {
      const info = { name, commit: '', annotated: true };
      nested.push(info);
      tags.push(info);
    }
  }
  if (nested.length > 0) {
    const { stdout: shas } = await runGit(cwd, ['rev-parse', ...nested.map((t) => `refs/tags/${t.name}^{commit}`)], options);
    shas
      .trim()
      .split('\n')
      .forEach((sha, i) => (nested[i].commit = sha));
  }
  return tags;
}

export interface CreatedTag {
  name: string;
  commit: string;
  /** false when the tag already pointed at this commit (nothing done). */
  created: boolean;
}

/**
 * Creates an annotated tag on `commit` (default HEAD). Idempotent: an existing tag on the same commit
 * is left alone; on another commit it is an error naming both commits. Needs a committer identity
 * (user.name/email config or GIT_COMMITTER_NAME/EMAIL in `env`).
 */
export async function createAnnotatedTag(cwd: string, name: string, message: string, commit = 'HEAD', options: GitEnvOption = {}): Promise<CreatedTag> {
  assertRefName(name, 'tag');
  const target = (await runGit(cwd, ['rev-parse', '--verify', '--end-of-options', `${commit}^{commit}`], options)).stdout.trim();
  const existing = await runGit(cwd, ['rev-parse', '--verify', '--quiet', `refs/tags/${name}^{commit}`], { ...options, okExitCodes: [1] });
  if (existing.exitCode === 0) {
    const at = existing.stdout.trim();
    if (at === target) return { name, commit: target, created: false };
    const command = `git tag -a ${name} ${commit}`;
    throw new GitError(
      `tag ${name} already exists on commit ${at}, not on ${target} (${commit}) in ${cwd}: delete it or release a new version`,
      command,
      cwd,
      undefined,
      '',
    );
  }
  await runGit(cwd, ['tag', '-a', '--cleanup=verbatim', '-F', '-', '--end-of-options', name, target], {
    ...options,
    input: message.endsWith('\n') ? message : `${message}\n`,
  });
  return { name, commit: target, created: true };
}

export interface PushOptions extends GitEnvOption {
  /** All refs or none (`git push --atomic`). Default true. */
  atomic?: boolean;
}

/** Pushes the given tags (names, not refs) to `remote` in one `git push`. Nothing to push → no process. */
export async function pushTags(cwd: string, remote: string, tags: string[], options: PushOptions = {}): Promise<void> {
  if (tags.length === 0) return;
  assertRemote(remote);
  for (const t of tags) assertRefName(t, 'tag');
  const refspecs = tags.map((t) => `refs/tags/${t}:refs/tags/${t}`);
  await runGit(cwd, ['push', ...(options.atomic === false ? [] : ['--atomic']), '--porcelain', '--end-of-options', remote, ...refspecs], options);
}

/** Deletes a local tag (one that was created but could not be pushed). */
export async function deleteLocalTag(cwd: string, name: string, options: GitEnvOption = {}): Promise<void> {
  assertRefName(name, 'tag');
  await runGit(cwd, ['tag', '--delete', '--end-of-options', name], options);
}

/**
 * The commit a tag points to on `remote` (peeled), or undefined when the remote has no such tag: one
 * `git ls-remote`, so a push that would be refused is explained before anything is created.
 */
export async function remoteTagCommit(cwd: string, remote: string, name: string, options: GitEnvOption = {}): Promise<string | undefined> {
  assertRemote(remote);
  assertRefName(name, 'tag');
  const ref = `refs/tags/${name}`;
  const { stdout } = await runGit(cwd, ['ls-remote', '--tags', '--end-of-options', remote, ref, `${ref}^{}`], options);
  let direct: string | undefined;
  for (const line of stdout.split('\n')) {
    const [sha, r] = line.split('\t');
    if (r === `${ref}^{}`) return sha;
    if (r === ref) direct = sha;
  }
  return direct;
}
