/**
 * Release ranges computed from the parents of the one `git log` read, checked against
 * `git rev-list HEAD ^<tag>` on small real histories with merges. Every git process the plan starts
 * goes through a logging `git` wrapper on PATH, so the tests also count the rev-list fallbacks.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readHistory } from '../git';
import { createTestRepo, type TestRepo } from '../testing/git-repo';
import { makeTempDir } from '../testing/tools';
import { memoryReader, modelUvWorkspace } from '../workspace';
import { ancestorMasks, readWorkspaceHistory } from './history';

const MEMBERS = ['a', 'b', 'c', 'd'];
const pyproject = (name: string) =>
  `[project]\nname = "${name}"\nversion = "1.0.0"\n[build-system]\nrequires = ["uv_build>=0.13,<0.14"]\nbuild-backend = "uv_build"\n`;
const WS_FILES: Record<string, string> = {
  'pyproject.toml': `[tool.uv.workspace]\nmembers = [${MEMBERS.map((m) => `"${m}"`).join(', ')}]\n`,
  ...Object.fromEntries(MEMBERS.map((m) => [`${m}/pyproject.toml`, pyproject(m)])),
};

/** Small DSL: every commit touches one new file in every member, so a member's mapped commits are its whole range. */
interface Builder {
  commit(label: string): void;
  branch(name: string): void;
  checkout(name: string): void;
  merge(name: string, label: string): void;
  /** Tags member's release (`<member>-v1.0.0`) on `label` (default HEAD). */
  tag(member: string, label?: string): void;
}

interface Scenario {
  name: string;
  build(g: Builder): void;
  /** Label of the expected `since` (common ancestor of the tag commits), or undefined: read from the root. */
  since: string | undefined;
  /** `git rev-list` processes expected (tag commits not among the commits read). */
  revLists: number;
}

const SCENARIOS: Scenario[] = [
  {
    name: 'a side branch forked before a tag and merged after it; a tag on HEAD',
    build(g) {
      g.commit('init');
      g.tag('a');
      g.branch('side');
      g.commit('s1');
      g.commit('s2');
      g.checkout('main');
      g.commit('m1');
      g.tag('b');
      g.merge('side', 'M');
      g.commit('m2');
      g.tag('c');
      g.commit('m3');
      g.tag('d');
    },
    since: 'init',
    revLists: 0,
  },
  {
    name: 'a tag on a merge commit (shared by two members), a branch forked before it merged after it',
    build(g) {
      g.commit('init');
      g.tag('a');
      g.branch('side');
      g.commit('s1');
      g.checkout('main');
      g.branch('late');
      g.commit('l1');
      g.commit('l2');
      g.checkout('main');
      g.commit('m1');
      g.merge('side', 'M');
      g.tag('b');
      g.tag('c');
      g.merge('late', 'M2');
      g.commit('m2');
      g.tag('d', 'l1');
    },
    since: 'init',
    revLists: 0,
  },
  {
    name: 'a tag on a side-branch commit merged later',
    build(g) {
      g.commit('init');
      g.commit('i2');
      g.tag('a');
      g.branch('side');
      g.commit('s1');
      g.tag('b');
      g.commit('s2');
      g.tag('d');
      g.checkout('main');
      g.commit('m1');
      g.tag('c');
      g.merge('side', 'M');
      g.commit('m2');
    },
    since: 'i2',
    revLists: 0,
  },
  {
    name: 'tags on two branches whose common ancestor carries no tag',
    build(g) {
      g.commit('init');
      g.commit('i2');
      g.branch('p');
      g.commit('p1');
      g.tag('a');
      g.checkout('main');
      g.branch('q');
      g.commit('q1');
      g.tag('b');
      g.tag('d');
      g.checkout('main');
      g.commit('m1');
      g.tag('c');
      g.merge('p', 'Mp');
      g.merge('q', 'Mq');
      g.commit('m2');
    },
    since: 'i2',
    revLists: 0,
  },
  {
    name: 'criss-cross merges',
    build(g) {
      g.commit('init');
      g.tag('a');
      g.branch('p');
      g.commit('p1');
      g.checkout('main');
      g.commit('m1');
      g.merge('p', 'M1');
      g.tag('c');
      g.checkout('p');
      g.merge('main', 'P1');
      g.commit('p2');
      g.tag('b');
      g.commit('p3');
      g.checkout('main');
      g.commit('m2');
      g.tag('d');
      g.merge('p', 'M2');
      g.commit('m3');
    },
    since: 'init',
    revLists: 0,
  },
  {
    name: 'members never released: history read from the root',
    build(g) {
      g.commit('init');
      g.commit('i2');
      g.tag('a');
      g.branch('side');
      g.commit('s1');
      g.tag('b');
      g.commit('s2');
      g.checkout('main');
      g.commit('m1');
      g.merge('side', 'M');
      g.commit('m2');
    },
    since: undefined,
    revLists: 0,
  },
  {
    name: 'a tag on an unmerged branch: ignored (b counts as never released), history read from the root',
    build(g) {
      g.commit('init');
      g.tag('a');
      g.branch('x');
      g.commit('x1');
      g.tag('b');
      g.checkout('main');
      g.commit('m1');
      g.tag('c');
      g.commit('m2');
      g.tag('d', 'init');
    },
    since: undefined,
    revLists: 0,
  },
  {
    name: 'a tag on an unmerged branch with members never released',
    build(g) {
      g.commit('init');
      g.branch('x');
      g.commit('x1');
      g.tag('b');
      g.checkout('main');
      g.commit('m1');
      g.tag('a');
      g.commit('m2');
    },
    since: undefined,
    revLists: 0,
  },
];

/** A `git` on PATH that logs its arguments, one line per process, then runs the real git. */
function gitSpy(): { env: NodeJS.ProcessEnv; calls(): string[][]; cleanup(): void } {
  const { dir, cleanup } = makeTempDir('nx-uv-git-spy-');
  const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
  const log = path.join(dir, 'calls.log');
  fs.writeFileSync(path.join(dir, 'git'), `#!/bin/sh\nprintf '%s\\n' "$*" >> "${log}"\nexec "${realGit}" "$@"\n`, { mode: 0o755 });
  return {
    env: { PATH: `${dir}${path.delimiter}${process.env.PATH ?? ''}` },
    calls: () =>
      fs.existsSync(log)
        ? fs
            .readFileSync(log, 'utf8')
            .split('\n')
            .filter(Boolean)
            .map((l) => l.split(' '))
        : [],
    cleanup,
  };
}

function build(repo: TestRepo, scenario: Scenario): Map<string, string> {
  const labels = new Map<string, string>();
  const touchAll = (label: string) => Object.fromEntries(MEMBERS.map((m) => [`py/${m}/${label}.txt`, `${label}\n`]));
  const g: Builder = {
    commit(label) {
      labels.set(
        label,
        repo.commit(
          `fix: ${label}`,
          label === 'init' ? { ...touchAll(label), ...Object.fromEntries(Object.entries(WS_FILES).map(([f, t]) => [`py/${f}`, t])) } : touchAll(label),
        ),
      );
    },
    branch: (name) => repo.checkout(name, { create: true }),
    checkout: (name) => repo.checkout(name),
    merge: (name, label) => void labels.set(label, repo.merge(name, `Merge ${name} (${label})`)),
    tag: (member, label) =>
      repo.tag(`${member}-v1.0.0`, { message: member === 'b' ? undefined : `${member} 1.0.0`, rev: label ? labels.get(label) : undefined }),
  };
  scenario.build(g);
  return labels;
}

const lines = (s: string) => new Set(s.split('\n').filter(Boolean));

describe('readWorkspaceHistory ranges equal git rev-list HEAD ^<tag>', () => {
  it.each(SCENARIOS.map((s) => [s.name, s] as const))('%s', async (_name, scenario) => {
    const repo = createTestRepo();
    const spy = gitSpy();
    try {
      const labels = build(repo, scenario);
      const hashToLabel = new Map([...labels].map(([l, h]) => [h, l]));
      const named = (hashes: Iterable<string>) => [...hashes].map((h) => hashToLabel.get(h) ?? h).sort();
      const ws = modelUvWorkspace(path.join(repo.dir, 'py'), memoryReader(WS_FILES));

      const h = await readWorkspaceHistory(ws, { env: { ...repo.env, ...spy.env } });

      // The git wrapper saw the plan's processes: one log, and the expected number of rev-lists.
      const calls = spy.calls();
      expect(calls.filter((c) => c.includes('log'))).toHaveLength(1);
      expect(calls.filter((c) => c.includes('rev-list'))).toHaveLength(scenario.revLists);
      expect(h.since === undefined ? undefined : hashToLabel.get(h.since)).toBe(scenario.since);

      for (const member of MEMBERS) {
        const tag = `${member}-v1.0.0`;
        // Only a tag HEAD can reach is a release (a tag on an unmerged branch is ignored).
        const tagged = repo.git(['tag', '--merged', 'HEAD', '--list', tag]) === tag;
        const expected = lines(repo.git(['rev-list', '--no-merges', 'HEAD', ...(tagged ? [`^${tag}^{commit}`] : [])]));
        const actual = new Set(h.mapped.filter((c) => c.members.includes(member)).map((c) => c.commit.hash));
        expect({ member, range: named(actual) }).toEqual({ member, range: named(expected) });
      }
      // Not vacuous: some member's range is a strict, non-empty part of the commits read.
      const sizes = MEMBERS.map((m) => h.mapped.filter((c) => c.members.includes(m)).length);
      expect(sizes.some((n) => n > 0 && n < h.commits.filter((c) => c.parents < 2).length)).toBe(true);
    } finally {
      spy.cleanup();
      repo.cleanup();
    }
  });
});

describe('ancestorMasks', () => {
  it('marks exactly what git rev-list HEAD ^<tag> leaves out, merges included, for every commit read', async () => {
    const repo = createTestRepo();
    try {
      build(repo, SCENARIOS.find((s) => s.name === 'criss-cross merges') as Scenario);
      const since = repo.git(['rev-parse', 'a-v1.0.0^{commit}']);
      const commits = await readHistory(repo.dir, { since, env: repo.env });
      const masks = ancestorMasks(commits, [...commits.map((c) => c.hash), since, 'f'.repeat(40)]);
      expect(masks.size).toBe(commits.length); // `since` and unknown commits are not among those read
      for (const [tag, mask] of masks) {
        const after = new Set(commits.filter((_, i) => mask[i] === 0).map((c) => c.hash));
        expect(after).toEqual(lines(repo.git(['rev-list', 'HEAD', `^${tag}`])));
      }
    } finally {
      repo.cleanup();
    }
  });

  it('walks a long chain without recursion and ignores parents outside the commits read', () => {
    const n = 200_000;
    const hash = (i: number) => i.toString(16).padStart(40, '0');
    const commits = Array.from({ length: n }, (_, i) => ({ hash: hash(i), parentHashes: i === n - 1 ? ['e'.repeat(40)] : [hash(i + 1)] }));
    const mask = ancestorMasks(commits, [hash(10)]).get(hash(10)) as Uint8Array;
    expect(mask.slice(0, 12)).toEqual(Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1]));
    expect(mask.reduce((s, v) => s + v, 0)).toBe(n - 10);
  });
});
