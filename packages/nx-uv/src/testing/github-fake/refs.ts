/**
 * Refs and objects of a fake repository: kept in memory, or read from and written to a bare git
 * repository when the repository was given a `gitDir` (so a release PR's branch pushed by real git is
 * what the fake sees). Test-only.
 */
import execa from 'execa';
import { fakeSha } from './render';
import type { FakeRepository } from './state';

async function git(repo: FakeRepository, args: string[], input?: string): Promise<{ ok: boolean; stdout: string }> {
  const result = await execa('git', [`--git-dir=${repo.gitDir}`, ...args], { reject: false, input, stripFinalNewline: true });
  return { ok: result.exitCode === 0, stdout: result.stdout };
}

/** The sha a full ref name (`refs/heads/x`, `refs/tags/y`) points to, without peeling. */
export async function readRef(repo: FakeRepository, ref: string): Promise<string | undefined> {
  if (!repo.gitDir) return repo.refs.get(ref);
  const r = await git(repo, ['rev-parse', '--verify', '--quiet', ref]);
  return r.ok ? r.stdout : undefined;
}

/** Object type (`commit`, `tag`) of a sha. */
export async function objectType(repo: FakeRepository, sha: string): Promise<string | undefined> {
  if (!repo.gitDir) return repo.tagObjects.has(sha) ? 'tag' : /^[0-9a-f]{40}$/.test(sha) ? 'commit' : undefined;
  const r = await git(repo, ['cat-file', '-t', sha]);
  return r.ok ? r.stdout : undefined;
}

export async function writeRef(repo: FakeRepository, ref: string, sha: string): Promise<void> {
  if (!repo.gitDir) {
    repo.refs.set(ref, sha);
    return;
  }
  const r = await git(repo, ['update-ref', ref, sha]);
  if (!r.ok) throw new Error(`fake GitHub: cannot write ${ref} = ${sha} in ${repo.gitDir}`);
}

/** Resolves a branch name or a sha to a commit sha (`target_commitish`). */
export async function resolveCommitish(repo: FakeRepository, commitish: string): Promise<string | undefined> {
  if (!repo.gitDir) return repo.refs.get(`refs/heads/${commitish}`) ?? (/^[0-9a-f]{40}$/.test(commitish) ? commitish : undefined);
  const r = await git(repo, ['rev-parse', '--verify', '--quiet', `${commitish}^{commit}`]);
  return r.ok ? r.stdout : undefined;
}

/** Branch sha; in memory an unknown branch is created on the fly (lenient), with a git dir it is `undefined`. */
export async function branchSha(repo: FakeRepository, branch: string): Promise<string | undefined> {
  const ref = `refs/heads/${branch}`;
  const sha = await readRef(repo, ref);
  if (sha || repo.gitDir) return sha;
  const created = fakeSha(repo.id, ref);
  repo.refs.set(ref, created);
  return created;
}

/** Writes an annotated tag object and returns its sha. */
export async function writeTagObject(
  repo: FakeRepository,
  tag: { tag: string; message: string; object: string; type: string; tagger: { name: string; email: string; date: string } },
): Promise<string> {
  if (!repo.gitDir) return fakeSha('tag', tag.tag, tag.object, tag.message);
  const epoch = Math.floor(new Date(tag.tagger.date).getTime() / 1000);
  const content = `object ${tag.object}\ntype ${tag.type}\ntag ${tag.tag}\ntagger ${tag.tagger.name} <${tag.tagger.email}> ${epoch} +0000\n\n${tag.message}\n`;
  const r = await git(repo, ['hash-object', '-t', 'tag', '-w', '--stdin'], content);
  if (!r.ok) throw new Error(`fake GitHub: cannot write tag object ${tag.tag} in ${repo.gitDir}`);
  return r.stdout;
}
