/**
 * The "GitHub side" of the release pipeline e2e that is plain git: a bare repository as `origin`,
 * what the bare repository holds (branches, tags and what they point at), and the merge button (a real
 * merge commit made inside the bare repository, as GitHub makes it on its side).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gitEnv, isolatedEnv, run, type NxWorkspace } from './harness';

/** Environment of every git command of the e2e: identity, and no system or user configuration. */
export const hermeticGitEnv = { ...gitEnv, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_TERMINAL_PROMPT: '0' };

export interface BareRemote {
  /** Absolute path of the bare repository. */
  dir: string;
  git(args: string[]): string;
  /** `refs/heads/x` / `refs/tags/x` → the commit they point at (tags peeled). */
  refs(): Record<string, string>;
  /** Tag name → { commit, annotated }. */
  tags(): Record<string, { commit: string; annotated: boolean }>;
  /** The commit of a branch, or undefined. */
  branch(name: string): string | undefined;
  /** A file at a revision, or undefined. */
  show(rev: string, file: string): string | undefined;
  /**
   * What GitHub's merge button does: a merge commit of `head` into `base` made on the remote, `base`
   * moved to it (fails on conflicts or when `base` moved meanwhile). Returns the merge commit.
   */
  merge(base: string, head: string, message: string): string;
}

/** A bare repository next to the workspace, added as `origin` of the workspace's working copy. */
export function createBareRemote(ws: NxWorkspace, dir: string): BareRemote {
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  const env = isolatedEnv(hermeticGitEnv);
  run('git', ['init', '--quiet', '--bare', '--initial-branch=main', dir], path.dirname(dir), env);
  ws.git(['remote', 'add', 'origin', dir]);
  const git = (args: string[]) => run('git', [`--git-dir=${dir}`, ...args], path.dirname(dir), env).stdout.trim();
  const tryGit = (args: string[]) => {
    try {
      return git(args);
    } catch {
      return undefined;
    }
  };
  return {
    dir,
    git,
    refs() {
      const out: Record<string, string> = {};
      for (const line of git(['for-each-ref', '--format=%(refname) %(objectname) %(*objectname)']).split('\n').filter(Boolean)) {
        const [ref, object, peeled] = line.split(' ');
        out[ref] = peeled || object;
      }
      return out;
    },
    tags() {
      const out: Record<string, { commit: string; annotated: boolean }> = {};
      const lines = git(['for-each-ref', '--format=%(refname:short) %(objecttype) %(objectname) %(*objectname)', 'refs/tags']);
      for (const line of lines.split('\n').filter(Boolean)) {
        const [name, type, object, peeled] = line.split(' ');
        out[name] = { commit: peeled || object, annotated: type === 'tag' };
      }
      return out;
    },
    branch: (name) => tryGit(['rev-parse', '--verify', '--quiet', `refs/heads/${name}^{commit}`]),
    show: (rev, file) => tryGit(['show', `${rev}:${file}`]),
    merge(base, head, message) {
      const baseSha = git(['rev-parse', `refs/heads/${base}`]);
      const headSha = git(['rev-parse', `refs/heads/${head}`]);
      const tree = git(['merge-tree', '--write-tree', baseSha, headSha]).split('\n')[0];
      const commit = git(['commit-tree', tree, '-p', baseSha, '-p', headSha, '-m', message]);
      git(['update-ref', `refs/heads/${base}`, commit, baseSha]);
      return commit;
    },
  };
}
