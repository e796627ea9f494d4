/**
 * Test helper: a real git repository with a local bare remote (`origin`), an identity in the child
 * environment (never global config), and helpers to write, commit (with dates), tag, merge and read.
 * Test-only.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeTempDir, writeTree } from './tools';

export const GIT_TEST_IDENTITY = {
  GIT_AUTHOR_NAME: 'Nx Uv Test',
  GIT_AUTHOR_EMAIL: 'test@nx-uv.invalid',
  GIT_COMMITTER_NAME: 'Nx Uv Test',
  GIT_COMMITTER_EMAIL: 'test@nx-uv.invalid',
};

/** What git needs in tests: the identity, no system/global config, no prompts. */
export const GIT_TEST_VARIABLES = { ...GIT_TEST_IDENTITY, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_TERMINAL_PROMPT: '0' };

/** Environment for git in tests: process.env with GIT_TEST_VARIABLES. */
export function gitTestEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, ...GIT_TEST_VARIABLES, ...extra };
}

export interface CommitOptions {
  /** Author and committer date (ISO 8601 or anything git accepts); default a clock advancing 1 min per commit. */
  date?: string;
  allowEmpty?: boolean;
}

export interface TestRepo {
  /** Working tree. */
  dir: string;
  /** The bare repository registered as `origin`. */
  bare: string;
  env: NodeJS.ProcessEnv;
  /** Runs git in the working tree (or `cwd`) and returns trimmed stdout. */
  git(args: string[], options?: { cwd?: string; input?: string; env?: NodeJS.ProcessEnv }): string;
  /** Runs git against the bare remote (`git --git-dir=<bare> ...`). */
  gitBare(args: string[]): string;
  write(files: Record<string, string>): void;
  remove(files: string[]): void;
  /** Writes `files` (if any), stages everything, commits; returns the sha. */
  commit(message: string, files?: Record<string, string>, options?: CommitOptions): string;
  /** Lightweight tag, or annotated when `message` is given; on `rev` (default HEAD). */
  tag(name: string, options?: { message?: string; rev?: string }): void;
  checkout(branch: string, options?: { create?: boolean }): void;
  /** `git merge --no-ff` of `branch` into the current branch; returns the merge sha. */
  merge(branch: string, message?: string): string;
  head(): string;
  /** `git log --format=%s` of the current branch (newest first). */
  log(): string[];
  /** Pushes the current branch to origin and sets upstream. */
  push(): void;
  cleanup(): void;
}

export function createTestRepo(options: { branch?: string; files?: Record<string, string>; initialCommit?: boolean } = {}): TestRepo {
  const { dir: root, cleanup } = makeTempDir('nx-uv-git-');
  const dir = path.join(root, 'work');
  const bare = path.join(root, 'origin.git');
  const branch = options.branch ?? 'main';
  const env = gitTestEnv();
  let clock = Date.parse('2025-01-01T00:00:00Z');

  const run = (args: string[], o: { cwd?: string; input?: string; env?: NodeJS.ProcessEnv } = {}): string => {
    try {
      return execFileSync('git', args, {
        cwd: o.cwd ?? dir,
        env: { ...env, ...o.env },
        input: o.input,
        encoding: 'utf8',
        stdio: ['pipe', 'pipe', 'pipe'],
      }).trim();
    } catch (error) {
      const e = error as { stderr?: string; message: string };
      throw new Error(`test repo: git ${args.join(' ')} failed: ${e.stderr ?? e.message}`);
    }
  };
  fs.mkdirSync(dir);
  run(['init', '--quiet', '--bare', `--initial-branch=${branch}`, bare], { cwd: root });
  run(['init', '--quiet', `--initial-branch=${branch}`, dir], { cwd: root });
  run(['remote', 'add', 'origin', bare]);

  const repo: TestRepo = {
    dir,
    bare,
    env,
    git: run,
    gitBare: (args) => run([`--git-dir=${bare}`, ...args], { cwd: root }),
    write: (files) => writeTree(dir, files),
    remove: (files) => files.forEach((f) => fs.rmSync(path.join(dir, f), { force: true })),
    commit(message, files, o = {}) {
      if (files) writeTree(dir, files);
      run(['add', '--all']);
      clock += 60_000;
      const date = o.date ?? new Date(clock).toISOString();
      run(['commit', '--quiet', '--no-verify', ...(o.allowEmpty ? ['--allow-empty'] : []), '-F', '-'], {
        input: message,
        env: { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date },
      });
      return run(['rev-parse', 'HEAD']);
    },
    tag(name, o = {}) {
      run(o.message ? ['tag', '-a', '-m', o.message, name, o.rev ?? 'HEAD'] : ['tag', name, o.rev ?? 'HEAD']);
    },
    checkout(name, o = {}) {
      run(o.create ? ['checkout', '--quiet', '-b', name] : ['checkout', '--quiet', name]);
    },
    merge(name, message) {
      clock += 60_000;
      const date = new Date(clock).toISOString();
      run(['merge', '--quiet', '--no-ff', '--no-edit', ...(message ? ['-m', message] : []), name], {
        env: { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date },
      });
      return run(['rev-parse', 'HEAD']);
    },
    head: () => run(['rev-parse', 'HEAD']),
    log: () => run(['log', '--format=%s']).split('\n').filter(Boolean),
    push: () => void run(['push', '--quiet', '--set-upstream', 'origin', run(['symbolic-ref', '--short', 'HEAD'])]),
    cleanup,
  };
  if (options.files || options.initialCommit) repo.commit('chore: initial commit', options.files ?? { 'README.md': '# test\n' });
  return repo;
}

/**
 * Generates a large history fast with `git fast-import`: `commits` commits, each changing one file in
 * one of `dirs` directories (`packages/pkg-<i>/src/mod.py`), messages cycling through feat/fix/chore.
 * For benchmarks and scale tests.
 */
export function generateHistory(repo: TestRepo, commits: number, dirs: number): void {
  const lines: string[] = [];
  let time = 1_700_000_000;
  for (let i = 1; i <= commits; i++) {
    const d = i % dirs;
    const kind = ['feat', 'fix', 'chore'][i % 3];
    const message = `${kind}(pkg-${d}): change number ${i}\n\nBody of change ${i}.\n`;
    const content = `# change ${i}\n`;
    time += 60;
    lines.push(
      `commit refs/heads/main`,
      `mark :${i}`,
      `committer Nx Uv Test <test@nx-uv.invalid> ${time} +0000`,
      `data ${Buffer.byteLength(message)}`,
      message,
      ...(i === 1 ? [] : [`from :${i - 1}`]),
      `M 100644 inline packages/pkg-${d}/src/mod.py`,
      `data ${Buffer.byteLength(content)}`,
      content,
    );
  }
  repo.git(['fast-import', '--quiet'], { input: `${lines.join('\n')}\n` });
  repo.git(['reset', '--quiet', '--hard', 'main']);
}
