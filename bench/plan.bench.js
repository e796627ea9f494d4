#!/usr/bin/env node
// Release-plan benchmark (not a test): how long nx-uv takes to plan the release of a 200-member uv
// workspace with 20,000 Conventional Commits, against the bare `git log` that reads the same range in
// the same format (the floor: nx-uv cannot plan faster than git can list the history).
//
//   npm run bench:plan                        # = npm run build && node bench/plan.bench.js
//   node bench/plan.bench.js --members=200 --commits=20000 --rounds=5 [--release-every=2000]
//        [--released=0.85] [--keep] [--json=out.json] [--dist=<built nx-uv>] [--profile[=dir]]
//        [--repo=<the repo/ folder kept by an earlier run with the same arguments: not regenerated>]
//
// The repository is generated in one `git fast-import` process: an initial commit with the whole
// workspace (virtual root, members under packages/*, internal runtime dependencies), then commits that
// each touch 1–3 files in members, with messages drawn from feat/fix/perf/chore/docs/refactor/test
// (scoped or not, some `!`, some BREAKING CHANGE footers, some reverts, some not conventional). Every
// --release-every commits a release commit bumps the version of half of the members that changed since
// their last release (never the members outside the `--released` share) and tags each one
// `{name}-v{version}` (annotated, the PEP 440 version): last releases end up spread over the history,
// and some members have never been released, so nx-uv reads the whole history from the root.
//
// Measured, median of --rounds, interleaved:
//   (a)  the bare `git log` nx-uv's readHistory runs (same arguments, from `historyArgs`, same range:
//        the plan's own `since`), its output read through a pipe and discarded;
//   (a') every git command the plan runs, bare, one after the other (rev-parse, for-each-ref,
//        merge-base, the log; member ranges come from the log itself): the git floor of the whole plan;
//   (b)  `computeWorkspacePlan(root)` from the built plugin: the first call in a fresh Node process
//        ("cold": what `nx run uv-workspace:release-plan` pays; module loading timed apart) and a
//        second plan in the same process ("warm"), made step by step as computeWorkspacePlan makes it,
//        for a breakdown (workspace model; tags + history + file mapping; commit parsing + planning).
// The plan must be what was generated (last releases, commits read = git's count of the range, a
// non-trivial number of packages bumping on their own commits), or the bench fails.
// Targets (issue 3): (b) cold under 2 s and within 2x of (a).
// --profile writes a V8 CPU profile of one cold plan (node --cpu-prof) and prints the functions with the
// most self time.
'use strict';

const { spawn, spawnSync, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { now, median, prng } = require('./lib');

const repoRoot = path.resolve(__dirname, '..');
let distDir = path.join(repoRoot, 'dist', 'packages', 'nx-uv');

const fmt = (ms) => (ms >= 100 ? `${ms.toFixed(0)} ms` : `${ms.toFixed(1)} ms`);

const GIT_IDENTITY = {
  GIT_AUTHOR_NAME: 'nx-uv bench',
  GIT_AUTHOR_EMAIL: 'bench@nx-uv.invalid',
  GIT_COMMITTER_NAME: 'nx-uv bench',
  GIT_COMMITTER_EMAIL: 'bench@nx-uv.invalid',
};
/** Git as nx-uv runs it: no system/global config, C locale, no pager. */
const gitEnv = () => ({
  ...process.env,
  ...GIT_IDENTITY,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_TERMINAL_PROMPT: '0',
  GIT_PAGER: 'cat',
  LC_ALL: 'C',
});

function parseArgs(argv) {
  const args = {
    members: 200,
    commits: 20000,
    rounds: 5,
    'release-every': 2000,
    released: 0.85,
    keep: false,
    json: undefined,
    dist: distDir,
    profile: undefined,
    repo: undefined,
  };
  for (const arg of argv) {
    const eq = arg.indexOf('=');
    const key = arg.replace(/^--/, '').slice(0, eq < 0 ? undefined : eq - 2);
    const value = eq < 0 ? undefined : arg.slice(eq + 1);
    if (key === 'keep') args.keep = true;
    else if (key === 'profile') args.profile = value ?? '';
    else if (key === 'json' || key === 'dist' || key === 'repo') args[key] = value;
    else if (key in args && value !== undefined && Number.isFinite(Number(value))) args[key] = Number(value);
    else throw new Error(`unknown or bad argument ${arg}`);
  }
  if (args.members < 2 || args.commits < args.members || args.rounds < 1) throw new Error('need --members >= 2, --commits >= members, --rounds >= 1');
  return args;
}

// ---------------------------------------------------------------------------------------------
// The generated repository

const pad = (i) => String(i).padStart(4, '0');
const memberName = (i) => `acme-pkg-${pad(i)}`;
const memberDir = (i) => `packages/pkg-${pad(i)}`;
const moduleName = (i) => `acme_pkg_${pad(i)}`;

function pyproject(i, version, deps) {
  const reqs = ['packaging>=20', ...deps.map((d) => `${memberName(d)}>=0.1`)];
  return `[project]
name = "${memberName(i)}"
version = "${version}"
description = "Generated member ${i} of the nx-uv plan benchmark"
readme = "README.md"
requires-python = ">=3.10"
license = "MIT"
dependencies = [
${reqs.map((r) => `    "${r}",`).join('\n')}
]

[dependency-groups]
dev = ["pytest>=8"]

[build-system]
requires = ["uv_build>=0.13,<0.14"]
build-backend = "uv_build"

[tool.uv.build-backend]
module-name = "${moduleName(i)}"
${deps.length ? `\n[tool.uv.sources]\n${deps.map((d) => `${memberName(d)} = { workspace = true }`).join('\n')}\n` : ''}`;
}

/** A PEP 440 bump of "X.Y.Z" or "X.Y.ZrcN" (the generator's own, not nx-uv's). */
function bumpVersion(version, random) {
  const m = /^(\d+)\.(\d+)\.(\d+)(rc\d+)?$/.exec(version);
  let [major, minor, patch] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (m[4]) return `${major}.${minor}.${patch}`; // graduate the release candidate
  const r = random();
  if (r < 0.05) [major, minor, patch] = [major + 1, 0, 0];
  else if (r < 0.6) [minor, patch] = [minor + 1, 0];
  else patch += 1;
  return `${major}.${minor}.${patch}${random() < 0.04 ? 'rc1' : ''}`;
}

const TYPES = [
  ['feat', 0.26],
  ['fix', 0.3],
  ['perf', 0.05],
  ['chore', 0.14],
  ['docs', 0.09],
  ['refactor', 0.04],
  ['test', 0.03],
];
const NON_CONVENTIONAL = ['Update README', 'WIP', 'tweak logging', 'Fix typo', 'bump deps', 'more tests', 'address review comments'];
const WORDS = 'parser cache client retry config loader schema export import handler timeout encoder index tokenizer session'.split(' ');

/**
 * The whole history as a `git fast-import` stream, plus what the bench checks the plan against.
 * Commit 1 adds the workspace; each later commit touches 1–3 files in 1–2 members; every
 * `releaseEvery` commits, a release commit writes new versions and tags them.
 */
function generateHistory({ members: count, commits: total, 'release-every': releaseEvery, released: releasedShare }) {
  const random = prng(20260301);
  const pick = (xs) => xs[Math.floor(random() * xs.length)];
  const deps = [];
  for (let i = 0; i < count; i++) {
    const set = new Set();
    const want = Math.min(i, Math.floor(random() * 4)); // 0–3 earlier members, skewed to the low "core" ones
    while (set.size < want) set.add(Math.floor(i * random() * random()));
    deps.push([...set].sort((a, b) => a - b));
  }
  const releasable = Array.from({ length: count }, () => random() < releasedShare);
  const version = Array.from({ length: count }, (_, i) => (i % 5 === 0 ? '1.0.0' : '0.1.0'));
  const changedSinceRelease = Array.from({ length: count }, () => true);
  const lastTag = new Map(); // member index -> { tag, version, commit (mark) }
  const subjectsByMember = Array.from({ length: count }, () => []);
  const chunks = [];
  let time = 1_700_000_000;
  let tags = 0;
  let releaseCommits = 0;
  const stats = { breaking: 0, reverts: 0, nonConventional: 0, scoped: 0 };
  const person = `${GIT_IDENTITY.GIT_COMMITTER_NAME} <${GIT_IDENTITY.GIT_COMMITTER_EMAIL}>`;
  const data = (text) => `data ${Buffer.byteLength(text)}\n${text}\n`;
  const commitHeader = (mark, message) => {
    time += 61;
    return `commit refs/heads/main\nmark :${mark}\nauthor ${person} ${time} +0000\ncommitter ${person} ${time} +0000\n${data(message)}${mark > 1 ? `from :${mark - 1}\n` : ''}`;
  };

  // 1. The workspace.
  {
    let c = commitHeader(1, 'chore: initial commit of the acme workspace\n');
    c += `M 100644 inline pyproject.toml\n${data(`# Virtual root of the generated plan benchmark workspace.\n[tool.uv.workspace]\nmembers = ["packages/*"]\n\n[dependency-groups]\nlint = ["ruff"]\n`)}`;
    c += `M 100644 inline .gitignore\n${data('.venv/\ndist/\n.nx/\n')}`;
    for (let i = 0; i < count; i++) {
      c += `M 100644 inline ${memberDir(i)}/pyproject.toml\n${data(pyproject(i, version[i], deps[i]))}`;
      c += `M 100644 inline ${memberDir(i)}/README.md\n${data(`# ${memberName(i)}\n`)}`;
      c += `M 100644 inline ${memberDir(i)}/src/${moduleName(i)}/__init__.py\n${data(`"""${memberName(i)}."""\n`)}`;
    }
    chunks.push(c);
  }

  for (let n = 2; n <= total; n++) {
    if (n % releaseEvery === 0 && n < total) {
      // 2. A release: half of the releasable members that changed since their last release.
      const chosen = [];
      for (let i = 0; i < count; i++) if (releasable[i] && changedSinceRelease[i] && random() < 0.5) chosen.push(i);
      let c = commitHeader(n, `chore(release): publish ${chosen.length} packages\n`);
      for (const i of chosen) {
        version[i] = bumpVersion(version[i], random);
        c += `M 100644 inline ${memberDir(i)}/pyproject.toml\n${data(pyproject(i, version[i], deps[i]))}`;
        changedSinceRelease[i] = false;
      }
      for (const i of chosen) {
        const tag = `${memberName(i)}-v${version[i]}`;
        c += `tag ${tag}\nfrom :${n}\ntagger ${person} ${time} +0000\n${data(`Release ${memberName(i)} ${version[i]}\n`)}`;
        lastTag.set(i, { tag, version: version[i], mark: n });
        tags++;
      }
      releaseCommits++;
      chunks.push(c);
      continue;
    }

    // 3. An ordinary change: 1–3 files, in one member (mostly) or two.
    const main = random() < 0.3 ? Math.floor(random() * random() * count) : Math.floor(random() * count);
    const touched = [main];
    const r = random();
    const fileCount = r < 0.6 ? 1 : r < 0.88 ? 2 : 3;
    if (fileCount > 1 && random() < 0.35) touched.push(Math.floor(random() * count));
    let message;
    const roll = random();
    const scope = random() < 0.5 ? `pkg-${pad(main)}` : null;
    if (roll < 0.07) {
      message = `${pick(NON_CONVENTIONAL)} in ${memberName(main)}\n`;
      stats.nonConventional++;
    } else if (roll < 0.075 && subjectsByMember[main].length > 0) {
      message = `Revert "${pick(subjectsByMember[main])}"\n\nThe change broke ${pick(WORDS)} handling.\n`;
      stats.reverts++;
    } else {
      let x = random() * TYPES.reduce((s, [, w]) => s + w, 0);
      let type = TYPES[0][0];
      for (const [t, w] of TYPES)
        if ((x -= w) < 0) {
          type = t;
          break;
        }
      const bang = random() < 0.008;
      const footer = !bang && random() < 0.008;
      if (bang || footer) stats.breaking++;
      if (scope) stats.scoped++;
      const subject = `${type}${scope ? `(${scope})` : ''}${bang ? '!' : ''}: ${pick(['add', 'handle', 'speed up', 'rework', 'document', 'drop'])} ${pick(WORDS)} ${pick(WORDS)} (${n})`;
      subjectsByMember[main].push(subject);
      const body =
        random() < 0.45 ? `\n\nThe ${pick(WORDS)} now uses the ${pick(WORDS)} instead of the ${pick(WORDS)}.\nSee the discussion in #${n % 997}.\n` : '\n';
      const footers = footer ? `\nBREAKING CHANGE: the ${pick(WORDS)} option is gone; use ${pick(WORDS)}.\n` : '';
      const trailer = random() < 0.3 ? `\nReviewed-by: Someone <someone@acme.invalid>\nRefs: #${n % 313}\n` : '';
      message = `${subject}${body}${footers}${trailer}`;
    }
    let c = commitHeader(n, message);
    for (let f = 0; f < fileCount; f++) {
      const i = touched[f % touched.length];
      const file = `${memberDir(i)}/src/${moduleName(i)}/${pick(WORDS)}.py`;
      c += `M 100644 inline ${file}\n${data(`# ${file}: change ${n}.${f}\nVALUE = ${n}\n`)}`;
    }
    for (const i of touched) changedSinceRelease[i] = true;
    chunks.push(c);
  }
  return { stream: chunks.join(''), lastTag, releasable, deps, tags, releaseCommits, stats };
}

function git(cwd, args, options = {}) {
  return execFileSync('git', args, { cwd, env: gitEnv(), encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, stdio: ['pipe', 'pipe', 'pipe'], ...options });
}

/** Generates the repository in `dir`, or (reuse) only checks that `dir` holds what the same arguments generate. */
function createRepo(dir, args, reuse = false) {
  const t0 = now();
  const generated = generateHistory(args);
  const tGen = now();
  if (!reuse) {
    fs.mkdirSync(dir, { recursive: true });
    git(dir, ['init', '--quiet', '--initial-branch=main']);
    execFileSync('git', ['fast-import', '--quiet'], {
      cwd: dir,
      env: gitEnv(),
      input: generated.stream,
      maxBuffer: 64 * 1024 * 1024,
      stdio: ['pipe', 'ignore', 'inherit'],
    });
  }
  const tImport = now();
  if (!reuse) git(dir, ['reset', '--quiet', '--hard', 'main']);
  const tCheckout = now();
  const count = Number(git(dir, ['rev-list', '--count', 'HEAD']).trim());
  if (count !== args.commits) throw new Error(`generated ${count} commits, expected ${args.commits}`);
  const tagCount = git(dir, ['tag', '--list']).split('\n').filter(Boolean).length;
  if (tagCount !== generated.tags) throw new Error(`generated ${tagCount} tags, expected ${generated.tags}`);
  return { ...generated, genMs: tGen - t0, importMs: tImport - tGen, checkoutMs: tCheckout - tImport, verifyMs: now() - tCheckout };
}

// ---------------------------------------------------------------------------------------------
// Measurements

/** Runs git with its stdout read through a pipe and discarded (as nx-uv reads it); returns ms and bytes. */
function timedGit(cwd, args) {
  return new Promise((resolve, reject) => {
    const t = now();
    let bytes = 0;
    let stderr = '';
    const child = spawn('git', args, { cwd, env: gitEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk) => (bytes += chunk.length));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code !== 0) reject(new Error(`git ${args.join(' ')} exited ${code}: ${stderr}`));
      else resolve({ ms: now() - t, bytes });
    });
  });
}

/** The git commands computeWorkspacePlan runs, in its order (from the range it reported). */
function planGitCommands(dist, since, tagCommits) {
  const { historyArgs } = require(path.join(dist, 'src', 'git'));
  const base = ['-c', 'core.quotePath=false', '-c', 'color.ui=false', '-c', 'log.showSignature=false'];
  const logArgs = ['-c', 'core.quotePath=false', '-c', 'log.showSignature=false', ...historyArgs({ since })];
  const fmtRef = '%(refname)%00%(objecttype)%00%(objectname)%00%(*objecttype)%00%(*objectname)';
  return {
    log: logArgs,
    all: [
      [...base, 'rev-parse', '--show-toplevel'],
      [...base, 'rev-parse', '--verify', '--end-of-options', 'HEAD^{commit}'],
      [...base, 'for-each-ref', `--format=${fmtRef}`, 'refs/tags'],
      ...(since !== undefined && tagCommits.length > 1 ? [[...base, 'merge-base', '--octopus', ...tagCommits]] : []),
      logArgs,
    ],
  };
}

async function worker(specFile) {
  const spec = JSON.parse(fs.readFileSync(specFile, 'utf8'));
  const t0 = now();
  const release = require(path.join(spec.dist, 'src', 'release'));
  const workspace = require(path.join(spec.dist, 'src', 'workspace'));
  const versioning = require(path.join(spec.dist, 'src', 'versioning'));
  const loadMs = now() - t0;
  if (typeof release.computeWorkspacePlan !== 'function') throw new Error(`${spec.dist}: src/release exports no computeWorkspacePlan (is it built?)`);

  const t1 = now();
  const result = await release.computeWorkspacePlan(spec.root, {});
  const coldMs = now() - t1;
  if (spec.profileOnly) {
    process.stdout.write(`\n@@RESULT ${JSON.stringify({ loadMs, coldMs })}\n`);
    return;
  }
  // A second plan in the same process ("warm"), done step by step as computeWorkspacePlan does it.
  const s0 = now();
  const ws = workspace.loadUvWorkspace(spec.root);
  const s1 = now();
  const history = await release.readWorkspaceHistory(ws, {});
  const s2 = now();
  const lastReleases = Object.fromEntries(Object.entries(history.releases).map(([name, r]) => [name, r.version]));
  const plan = versioning.planRelease({ members: versioning.planMembersFromWorkspace(ws), lastReleases, commits: history.mapped, options: {} });
  const s3 = now();
  const warmMs = s3 - s0;

  const { plan: p, history: h, ws: w } = result;
  const byAction = {};
  for (const pkg of p.packages) byAction[pkg.action] = (byAction[pkg.action] ?? 0) + 1;
  const fromCommits = p.packages.filter((pkg) => pkg.commits.length > 0 && pkg.reasons.some((r) => /\([0-9a-f]{7}\)$/.test(r)));
  const byDependency = p.packages.filter(
    (pkg) => pkg.reasons.length > 0 && pkg.reasons.every((r) => !/\([0-9a-f]{7}\)$/.test(r)) && pkg.action !== 'first-release' && pkg.action !== 'as-set',
  );
  const summary = {
    members: w.members.length,
    commitsRead: h.commits.length,
    commitsMapped: h.mapped.length,
    commitsPlanned: p.packages.reduce((n, pkg) => n + pkg.commits.length, 0),
    breakingCommits: p.packages.reduce((n, pkg) => n + pkg.commits.filter((c) => c.breaking).length, 0),
    releases: Object.keys(h.releases).length,
    since: h.since ?? null,
    tagCommits: [...new Set(Object.values(h.releases).map((r) => r.commit))],
    packages: p.packages.length,
    byAction,
    fromCommits: fromCommits.length,
    byDependency: byDependency.length,
    skipped: p.skipped.length,
    requirementUpdates: p.requirementUpdates.length,
    notes: p.notes.length,
    samePlan: JSON.stringify(plan) === JSON.stringify(p),
    releaseVersions: Object.fromEntries(Object.entries(h.releases).map(([name, r]) => [name, r.version])),
  };
  process.stdout.write(`\n@@RESULT ${JSON.stringify({ loadMs, coldMs, warmMs, steps: { workspace: s1 - s0, history: s2 - s1, plan: s3 - s2 }, summary })}\n`);
}

function runWorker(specFile, nodeArgs = []) {
  const res = spawnSync(process.execPath, [...nodeArgs, __filename, `--worker=${specFile}`], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: gitEnv(),
  });
  const line = (res.stdout ?? '').split('\n').find((l) => l.startsWith('@@RESULT '));
  if (res.status !== 0 || !line) throw new Error(`plan worker failed (exit ${res.status})\n${res.stdout}\n${res.stderr}`);
  return JSON.parse(line.slice('@@RESULT '.length));
}

/** Self time per function of a V8 .cpuprofile, top `limit`. */
function summarizeProfile(file, limit = 18) {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const deltas = profile.timeDeltas;
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i]);
    const dt = (deltas[i + 1] ?? 0) / 1000;
    const cf = node.callFrame;
    const where = cf.url ? `${cf.url.replace(/^file:\/\//, '').replace(`${repoRoot}/`, '')}:${cf.lineNumber + 1}` : '';
    const key = `${cf.functionName || '(anonymous)'}  ${where}`;
    self.set(key, (self.get(key) ?? 0) + dt);
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  return { total, top: [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, limit) };
}

function printTable(rows) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  for (const [r, row] of rows.entries()) {
    console.log(row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  '));
    if (r === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  distDir = path.resolve(args.dist);
  if (!fs.existsSync(path.join(distDir, 'src', 'release', 'index.js'))) {
    throw new Error(`${distDir}/src/release/index.js is missing: run \`npm run build\` first (npm run bench:plan does)`);
  }
  const tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'nx-uv-bench-plan-')));
  try {
    // --repo=<dir>: a repository kept by an earlier run with the same arguments (--keep), not regenerated.
    const root = args.repo ? path.resolve(args.repo) : path.join(tmp, 'repo');
    const repo = createRepo(root, args, Boolean(args.repo));
    const neverReleased = repo.releasable.filter((r) => !r).length;
    console.log(
      `generated ${args.commits} commits (${repo.releaseCommits} release commits, ${repo.tags} annotated release tags, ` +
        `${repo.stats.breaking} breaking, ${repo.stats.reverts} reverts, ${repo.stats.nonConventional} not conventional, ` +
        `${repo.stats.scoped} scoped) over ${args.members} members (${repo.deps.flat().length} internal dependencies; ` +
        `${repo.lastTag.size} released, ${args.members - repo.lastTag.size} never released) ` +
        (args.repo
          ? `(reused ${root}, checked in ${fmt(repo.verifyMs)})`
          : `in ${fmt(repo.genMs)} + git fast-import ${fmt(repo.importMs)} + checkout ${fmt(repo.checkoutMs)} + checks ${fmt(repo.verifyMs)} under ${tmp}`),
    );

    let specN = 0;
    const spec = (data) => {
      const file = path.join(tmp, `spec-${specN++}.json`);
      fs.writeFileSync(file, JSON.stringify(data));
      return file;
    };

    // A first plan: its range defines what the bare git log reads; its content is checked.
    const first = runWorker(spec({ dist: distDir, root }));
    const s = first.summary;
    const expectedReleases = Object.fromEntries([...repo.lastTag].map(([i, t]) => [memberName(i), t.version]));
    const problems = [];
    if (JSON.stringify(Object.entries(s.releaseVersions).sort()) !== JSON.stringify(Object.entries(expectedReleases).sort())) {
      problems.push(`the plan found ${s.releases} last releases, the generator tagged ${repo.lastTag.size} (or different versions)`);
    }
    const expectedSince = repo.lastTag.size === args.members && s.tagCommits.length > 0 ? 'a merge base' : null;
    const rangeCount = Number(git(root, ['rev-list', '--count', s.since ? `${s.since}..HEAD` : 'HEAD']).trim());
    if (s.commitsRead !== rangeCount) problems.push(`the plan read ${s.commitsRead} commits, git counts ${rangeCount} in its range`);
    if (expectedSince === null && s.since !== null) problems.push(`some members were never released but the plan read from ${s.since}, not the root`);
    if (s.members !== args.members) problems.push(`the plan modelled ${s.members} members, expected ${args.members}`);
    if (s.fromCommits < args.members / 4) problems.push(`only ${s.fromCommits} packages bump on their own commits: the plan is trivial`);
    if (s.commitsPlanned < args.commits / 10) problems.push(`only ${s.commitsPlanned} commits reached the plan`);
    if (!s.samePlan) problems.push('the warm step-by-step plan differs from the cold computeWorkspacePlan');
    if (problems.length) throw new Error(`the plan did not do what is measured:\n  ${problems.join('\n  ')}`);

    const commands = planGitCommands(distDir, s.since ?? undefined, s.tagCommits);
    const raw = { gitLog: [], gitAll: [], cold: [], warm: [], load: [], workspace: [], history: [], plan: [] };
    let logBytes = 0;
    console.log(`measuring: ${args.rounds} rounds × (bare git log, every git command of the plan, a fresh Node process planning twice), medians…`);
    for (let r = 0; r < args.rounds; r++) {
      const log = await timedGit(root, commands.log);
      raw.gitLog.push(log.ms);
      logBytes = log.bytes;
      let all = 0;
      for (const cmd of commands.all) all += (await timedGit(root, cmd)).ms;
      raw.gitAll.push(all);
      const w = runWorker(spec({ dist: distDir, root }));
      raw.cold.push(w.coldMs);
      raw.warm.push(w.warmMs);
      raw.load.push(w.loadMs);
      raw.workspace.push(w.steps.workspace);
      raw.history.push(w.steps.history);
      raw.plan.push(w.steps.plan);
    }
    const m = Object.fromEntries(Object.entries(raw).map(([k, xs]) => [k, median(xs)]));
    const ratio = m.cold / m.gitLog;
    console.log('');
    printTable([
      ['', 'median', 'vs (a)'],
      [
        `(a)  bare git log over the plan's range (${s.since ? `${s.since.slice(0, 7)}..HEAD` : 'root..HEAD'}, ${(logBytes / 1048576).toFixed(1)} MiB)`,
        fmt(m.gitLog),
        '1.00x',
      ],
      [
        `(a') every git command of the plan, bare (${commands.all.length}: the log + ${commands.all.length - 1} small)`,
        fmt(m.gitAll),
        `${(m.gitAll / m.gitLog).toFixed(2)}x`,
      ],
      ['(b)  nx-uv computeWorkspacePlan, cold (fresh process)', fmt(m.cold), `${ratio.toFixed(2)}x`],
      ['     warm (second plan, same process, step by step)', fmt(m.warm), `${(m.warm / m.gitLog).toFixed(2)}x`],
      ['       of which workspace model (loadUvWorkspace)', fmt(m.workspace), ''],
      ['       of which tags + history + file mapping', fmt(m.history), ''],
      ['       of which commit parsing + planning', fmt(m.plan), ''],
      ['     module load (not in (b))', fmt(m.load), ''],
    ]);
    console.log(
      `\nplan: ${s.members} members, ${s.releases} last releases found (${s.tagCommits.length} distinct tag commits), ` +
        `${s.commitsRead} commits read, ${s.commitsMapped} mapped to members, ${s.commitsPlanned} commit entries in the plan ` +
        `(${s.breakingCommits} breaking); ${s.packages} packages released: ${Object.entries(s.byAction)
          .map(([k, v]) => `${v} ${k}`)
          .join(', ')} ` +
        `(${s.fromCommits} on their own commits, ${s.byDependency} only through a dependency), ${s.skipped} skipped, ` +
        `${s.requirementUpdates} requirement updates, ${s.notes} notes.`,
    );
    console.log(
      `node ${process.version}, git ${git(root, ['version'])
        .trim()
        .replace(/^git version /, '')}, ${os.cpus().length}× ${os.cpus()[0]?.model ?? 'cpu'}`,
    );
    const under2s = m.cold < 2000;
    const within2x = ratio <= 2;
    console.log(
      `target (b) under 2 s: ${under2s ? 'met' : 'MISSED'} (${fmt(m.cold)}); within 2x of (a): ${within2x ? 'met' : 'MISSED'} (${ratio.toFixed(2)}x)`,
    );

    let profile;
    if (args.profile !== undefined) {
      const dir = path.resolve(args.profile || path.join(tmp, 'profile'));
      fs.mkdirSync(dir, { recursive: true });
      runWorker(spec({ dist: distDir, root, profileOnly: true }), ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--cpu-prof-interval=200']);
      const file = fs
        .readdirSync(dir)
        .filter((f) => f.endsWith('.cpuprofile'))
        .map((f) => path.join(dir, f))
        .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)[0];
      profile = summarizeProfile(file);
      console.log(`\nCPU profile of one cold plan (module load included), ${file}: self time, top ${profile.top.length} of ${fmt(profile.total)}`);
      for (const [fn, ms] of profile.top) console.log(`  ${fmt(ms).padStart(9)}  ${fn}`);
    }
    if (args.json) {
      fs.writeFileSync(args.json, JSON.stringify({ args, medians: m, ratio, targets: { under2s, within2x }, summary: s, raw, profile }, null, 2));
    }
  } finally {
    if (args.keep) console.log(`kept ${tmp}`);
    else fs.rmSync(tmp, { recursive: true, force: true });
  }
}

const workerArg = process.argv.slice(2).find((a) => a.startsWith('--worker='));
const run = workerArg ? worker(workerArg.slice('--worker='.length)) : main();
run.catch((error) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
