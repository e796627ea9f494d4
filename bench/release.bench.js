#!/usr/bin/env node
// Release benchmark (not a test): the release operations of nx-uv through Nx on a generated uv
// workspace of 60 members in 6 dependency levels (hatchling, real uv, real git), each against the
// baseline issue 15 names, all measured in the same run:
//
//   nx run-many -t version              ≤ 1.5x (release-plan + one `uv lock`)
//   nx run-many -t pin                  ≤ 1.5x release-plan
//   nx run-many -t pin -- --restore     ≤ 1.5x release-plan
//   nx run-many -t build, cold          ≤ 1.2x `uv build --all-packages` of the same tree
//   nx run-many -t build, fully cached  ≤ 1.5x `nx show projects`
//
//   npm run bench:release                       # = npm run build && node bench/release.bench.js
//   node bench/release.bench.js [--levels=6] [--width=10] [--repeat=3] [--build-repeat=1] [--before=0] [--keep] [--json=out.json] [--dist=<built nx-uv>]
//
// Setup (not measured): a fresh Nx workspace with the packed plugin installed offline (as
// bench:publish does), the uv workspace (lib.js generatePackages: every member of level k > 0 depends
// on 1–3 members of level k-1), `uv lock`, a git history with a first release (every member tagged
// `{name}-v{version}`) and then a `fix` on every level-0 member and a `feat` on three level-2 members,
// so that the release plan bumps every member (dependents with dependentBump).
//
// Every nx command runs with NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false and uv offline with the
// wheelhouse of .tools/wheels. The nx-uv figures are Nx's default, batch mode (the executors that have
// a batch implementation run in one process). The machine's load drifts, so each baseline is measured
// next to what it is compared with, in --repeat rounds on the same tree (reset to before the release):
// show projects, release-plan, version, the release's `uv lock`, pin, pin --restore; then
// --build-repeat pairs of `uv build --all-packages` and a cold `nx run-many -t build` (a fresh cache
// folder, no dist/), then --repeat pairs of show projects and the fully cached rerun; every figure is
// the median of its runs. Unless --before=0, version, pin, --restore and the cold build also run once
// with NX_BATCH_MODE=false (one process per task, as before the batch implementations).
// Checks: version bumps every member, and the batch writes the same bytes as the per-task run; `uv lock`
// is timed on the lock as it was before the release, against the released tree, and must write the
// very lock the version run wrote; pin leaves the same pins in both modes (one changed pyproject per
// member with internal requirements) and --restore a clean tree; every build leaves one sdist and one
// wheel of the new version per member; the cached rerun reports a cache hit for every member.
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const {
  repoRoot,
  rootPackageJson,
  uvBin,
  now,
  median,
  fmt,
  isolatedEnv,
  benchEnv,
  run,
  runAsync,
  installOffline,
  generatePackages,
  writeUvWorkspace,
  printTable,
} = require('./lib');

function parseArgs(argv) {
  const args = {
    levels: 6,
    width: 10,
    repeat: 3,
    'build-repeat': 1,
    before: 1,
    keep: false,
    json: undefined,
    dist: path.join(repoRoot, 'dist', 'packages', 'nx-uv'),
  };
  for (const arg of argv) {
    const body = arg.replace(/^--/, '');
    const eq = body.indexOf('=');
    const key = eq < 0 ? body : body.slice(0, eq);
    const value = eq < 0 ? undefined : body.slice(eq + 1);
    if (key === 'keep') args.keep = true;
    else if (key === 'json' || key === 'dist') args[key] = value;
    else if (key === 'before' && (value === '0' || value === '1')) args.before = Number(value);
    else if (key in args && value !== undefined && Number.isInteger(Number(value)) && Number(value) > 0) args[key] = Number(value);
    else throw new Error(`unknown or bad argument ${arg}`);
  }
  return args;
}

/** The released version of a member of level `level` (1.0.<level>): a fix or a dependent bump makes it 1.0.<level+1>, a feat 1.1.0. */
const firstVersion = (p) => `1.0.${p.level}`;

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const distDir = path.resolve(args.dist);
  if (!fs.existsSync(uvBin)) throw new Error(`missing ${uvBin}: run \`npm run python-tools\` first`);
  if (!fs.existsSync(path.join(distDir, 'package.json')) || !fs.existsSync(path.join(distDir, 'src', 'index.js'))) {
    throw new Error(`${distDir} holds no built plugin: run \`npm run build\` first (npm run bench:release does)`);
  }
  const tStart = now();
  const tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'nx-uv-bench-release-')));
  try {
    const ws = path.join(tmp, 'workspace');
    fs.mkdirSync(ws);
    const env = benchEnv({});
    const perTaskEnv = { ...env, NX_BATCH_MODE: 'false' };
    const git = (gitArgs) => run('git', gitArgs, ws, env).stdout;

    // Setup.
    const t0 = now();
    const packed = JSON.parse(run('npm', ['pack', distDir, '--pack-destination', tmp, '--json'], tmp, isolatedEnv()).stdout)[0].filename;
    installOffline(ws, path.join(tmp, packed), 'nx-uv-bench-release');
    const tInstall = now();
    const packages = generatePackages(args.levels, args.width);
    writeUvWorkspace(ws, packages, { backend: 'hatchling' });
    run(uvBin, ['lock', '--quiet'], ws, env);
    git(['init', '-q', '-b', 'main']);
    git(['add', '-A']);
    git(['commit', '-q', '--no-verify', '-m', 'feat: the benchmark packages']);
    for (const p of packages) git(['tag', '-a', '-m', `${p.name} ${firstVersion(p)}`, `${p.name}-v${firstVersion(p)}`]);
    const touch = (p, line) => fs.appendFileSync(path.join(ws, 'packages', p.name, 'src', p.module, '__init__.py'), `${line}\n`);
    const level0 = packages.filter((p) => p.level === 0);
    for (const p of level0) touch(p, '# fixed');
    git(['commit', '-q', '-am', 'fix: every level-0 package handles empty input']);
    const featured = packages.filter((p) => p.level === 2).slice(0, 3);
    for (const p of featured) touch(p, 'NEW = True');
    git(['commit', '-q', '-am', 'feat: three level-2 packages gain NEW']);
    const preRelease = git(['rev-parse', 'HEAD']).trim();
    const edges = packages.reduce((n, p) => n + p.deps.length, 0);
    console.log(
      `setup: Nx workspace with packed ${packed} (offline install ${fmt(tInstall - t0)}); ${packages.length} hatchling members in ${args.levels} levels ` +
        `(${edges} internal dependencies), released once and then changed; under ${tmp}`,
    );

    // Nx options go before `--`; static output shows every task's log.
    const nx = (nxArgs, runEnv = env, executorArgs = []) =>
      runAsync('npx', ['--no-install', 'nx', ...nxArgs, '--output-style=static', ...(executorArgs.length ? ['--', ...executorArgs] : [])], ws, runEnv);
    const status = () => git(['status', '--porcelain']);
    /** Every change against HEAD, new files' contents included. */
    const diff = () => {
      git(['add', '-A', '-N']);
      return git(['diff', '--binary']);
    };
    const resetTo = (commit) => {
      git(['reset', '-q', '--hard', commit]);
      git(['clean', '-q', '-fd']);
    };

    const expectVersions = (label) => {
      for (const p of packages) {
        const text = fs.readFileSync(path.join(ws, 'packages', p.name, 'pyproject.toml'), 'utf8');
        const version = /^version = "([^"]+)"/m.exec(text)?.[1];
        if (version === firstVersion(p)) throw new Error(`${label}: ${p.name} is still ${version}`);
      }
    };
    const pinnedCount = packages.filter((p) => p.deps.length > 0).length;
    const checkPinned = (label) => {
      const changed = status()
        .split('\n')
        .filter((l) => l.trim()).length;
      if (changed !== pinnedCount)
        throw new Error(`${label}: ${changed} files changed, expected the ${pinnedCount} pyprojects with internal requirements\n${status()}`);
      return diff();
    };
    const checkClean = (label) => {
      if (status() !== '') throw new Error(`${label}: the tree is not clean\n${status()}`);
    };
    const lockFile = path.join(ws, 'uv.lock');
    const preReleaseLock = run('git', ['show', `${preRelease}:uv.lock`], ws, env).stdout;

    // One process per task (NX_BATCH_MODE=false), the way these ran before the batch implementations;
    // the batch runs below must leave the same bytes.
    let before;
    if (args.before) {
      const version = await nx(['run-many', '-t', 'version'], perTaskEnv);
      expectVersions('version (one process per task)');
      const released = diff();
      git(['add', '-A']);
      git(['commit', '-q', '--no-verify', '-m', 'chore: release']);
      const pin = await nx(['run-many', '-t', 'pin'], perTaskEnv);
      const pinned = checkPinned('pin (one process per task)');
      const restore = await nx(['run-many', '-t', 'pin'], perTaskEnv, ['--restore']);
      checkClean('pin --restore (one process per task)');
      before = { version, released, pin, pinned, restore };
    }

    // Rounds on the same tree, each baseline next to what it is compared with (the machine's load drifts):
    // show projects, release-plan, version, the release's uv lock, pin, pin --restore.
    const times = {
      showProjects: [],
      releasePlan: [],
      version: [],
      uvLock: [],
      pin: [],
      restore: [],
      uvBuild: [],
      build: [],
      cached: [],
      showProjectsCached: [],
    };
    let versions;
    for (let round = 0; round < args.repeat; round++) {
      resetTo(preRelease);
      const shown = await nx(['show', 'projects']);
      times.showProjects.push(shown.ms);
      const projectCount = shown.stdout.split('\n').filter((l) => l.trim()).length;
      if (projectCount !== packages.length + 1)
        throw new Error(`nx show projects listed ${projectCount} projects, expected ${packages.length + 1}\n${shown.stdout}`);
      const plan = await nx(['run', 'uv-workspace:release-plan']);
      times.releasePlan.push(plan.ms);
      const planned = packages.filter((p) => new RegExp(`\\b${p.name}\\b`).test(plan.stdout)).length;
      if (planned !== packages.length) throw new Error(`release-plan names ${planned} of the ${packages.length} members\n${plan.stdout}`);

      times.version.push((await nx(['run-many', '-t', 'version'])).ms);
      expectVersions('version (batch)');
      if (before && diff() !== before.released) throw new Error('version: the batch run wrote other bytes than the per-task run');
      versions = new Map(
        packages.map((p) => [p.name, /^version = "([^"]+)"/m.exec(fs.readFileSync(path.join(ws, 'packages', p.name, 'pyproject.toml'), 'utf8'))[1]]),
      );

      // One `uv lock`: the lock as it was before the release, against the released tree; it must write the version run's lock.
      const releasedLock = fs.readFileSync(lockFile);
      fs.writeFileSync(lockFile, preReleaseLock);
      if (fs.readFileSync(lockFile).equals(releasedLock)) throw new Error('the version run did not change uv.lock');
      times.uvLock.push((await runAsync(uvBin, ['lock', '--quiet'], ws, env)).ms);
      if (!fs.readFileSync(lockFile).equals(releasedLock)) throw new Error('uv lock wrote another uv.lock than the version run');
      git(['add', '-A']);
      git(['commit', '-q', '--no-verify', '-m', 'chore: release']);

      times.pin.push((await nx(['run-many', '-t', 'pin'])).ms);
      const pinned = checkPinned('pin (batch)');
      if (before && pinned !== before.pinned) throw new Error('pin: the batch run pinned otherwise than the per-task run');
      times.restore.push((await nx(['run-many', '-t', 'pin'], env, ['--restore'])).ms);
      checkClean('pin --restore (batch)');
    }

    // build: uv build --all-packages next to nx cold (a fresh cache folder, no dist/), --build-repeat
    // times; then the fully cached rerun next to nx show projects, --repeat times.
    const expectBuilt = (label) => {
      for (const p of packages) {
        const dir = path.join(ws, 'packages', p.name, 'dist');
        const names = fs.existsSync(dir)
          ? fs
              .readdirSync(dir)
              .filter((n) => !n.startsWith('.'))
              .sort()
          : [];
        const stem = `${p.module}-${versions.get(p.name)}`;
        if (names.length !== 2 || !names.includes(`${stem}.tar.gz`) || !names.some((n) => n.startsWith(`${stem}-`) && n.endsWith('.whl'))) {
          throw new Error(`${label}: ${dir} holds ${JSON.stringify(names)}, expected the sdist and wheel of ${p.name} ${versions.get(p.name)}`);
        }
      }
    };
    const removeDists = () => {
      for (const p of packages) fs.rmSync(path.join(ws, 'packages', p.name, 'dist'), { recursive: true, force: true });
    };
    const uvBuildOnce = async () => {
      const uvOut = fs.mkdtempSync(path.join(tmp, 'uv-built-'));
      const r = await runAsync(uvBin, ['build', '--all-packages', '--no-sources', '--out-dir', uvOut, '--quiet'], ws, env);
      const wheels = fs.readdirSync(uvOut).filter((n) => n.endsWith('.whl')).length;
      if (wheels !== packages.length) throw new Error(`uv build --all-packages built ${wheels} wheels`);
      fs.rmSync(uvOut, { recursive: true, force: true });
      return r;
    };
    const coldBuild = async (runEnv, label) => {
      removeDists();
      const cache = fs.mkdtempSync(path.join(tmp, 'nx-cache-'));
      const r = await nx(['run-many', '-t', 'build'], { ...runEnv, NX_CACHE_DIRECTORY: cache });
      expectBuilt(label);
      checkClean(label);
      return { ...r, cache };
    };
    if (before) {
      before.uvBuild = await uvBuildOnce();
      before.build = await coldBuild(perTaskEnv, 'build (one process per task)');
    }
    let cache;
    for (let round = 0; round < args['build-repeat']; round++) {
      times.uvBuild.push((await uvBuildOnce()).ms);
      const build = await coldBuild(env, 'build');
      times.build.push(build.ms);
      cache = build.cache;
    }
    for (let round = 0; round < args.repeat; round++) {
      times.showProjectsCached.push((await nx(['show', 'projects'])).ms);
      const cached = await nx(['run-many', '-t', 'build'], { ...env, NX_CACHE_DIRECTORY: cache });
      times.cached.push(cached.ms);
      const hits = (cached.stdout.match(/nx run \S+:build\s+\[(existing outputs match the cache, left as is|local cache)\]/g) ?? []).length;
      if (hits !== packages.length) throw new Error(`the cached rerun had ${hits} cache hits, expected ${packages.length}\n${cached.stdout}`);
      expectBuilt('build (cached rerun)');
    }
    const m = Object.fromEntries(Object.entries(times).map(([k, xs]) => [k, median(xs)]));

    // The table.
    const R = args.repeat;
    const B = args['build-repeat'];
    const rows = [['', 'wall time', 'ratio', 'target', 'verdict']];
    const ratios = {};
    const verdict = (key, label, ms, baseMs, target, baseLabel) => {
      const ratio = ms / baseMs;
      ratios[key] = { ms, baseMs, ratio, target, met: ratio <= target };
      rows.push([`${label} / ${baseLabel}`, fmt(ms), `${ratio.toFixed(2)}x`, `≤ ${target}x`, ratio <= target ? 'met' : 'MISSED']);
    };
    console.log('');
    printTable([
      ['baselines (medians)', 'wall time'],
      [`nx show projects (${R} + ${R} runs)`, `${fmt(m.showProjects)}, ${fmt(m.showProjectsCached)}`],
      [`nx run uv-workspace:release-plan (${R})`, fmt(m.releasePlan)],
      [`uv lock, the release's relock (${R})`, fmt(m.uvLock)],
      [`uv build --all-packages --no-sources (${B})`, fmt(m.uvBuild)],
    ]);
    console.log('');
    verdict('version', `nx run-many -t version (${R})`, m.version, m.releasePlan + m.uvLock, 1.5, '(release-plan + uv lock)');
    verdict('pin', `nx run-many -t pin (${R})`, m.pin, m.releasePlan, 1.5, 'release-plan');
    verdict('restore', `nx run-many -t pin -- --restore (${R})`, m.restore, m.releasePlan, 1.5, 'release-plan');
    verdict('build', `nx run-many -t build, cold (${B})`, m.build, m.uvBuild, 1.2, 'uv build --all-packages');
    verdict('cached', `nx run-many -t build, all cached (${R})`, m.cached, m.showProjectsCached, 1.5, 'nx show projects');
    if (before) {
      rows.push(['one process per task (NX_BATCH_MODE=false), as before the batch implementations (1 run each):', '', '', '', '']);
      const row = (key, label, ms, baseMs, target) => {
        ratios[`${key}PerTask`] = { ms, baseMs, ratio: ms / baseMs, target, met: ms / baseMs <= target };
        rows.push([`  ${label}`, fmt(ms), `${(ms / baseMs).toFixed(2)}x`, `≤ ${target}x`, ms / baseMs <= target ? 'met' : 'MISSED']);
      };
      row('version', 'nx run-many -t version', before.version.ms, m.releasePlan + m.uvLock, 1.5);
      row('pin', 'nx run-many -t pin', before.pin.ms, m.releasePlan, 1.5);
      row('restore', 'nx run-many -t pin -- --restore', before.restore.ms, m.releasePlan, 1.5);
      row('build', 'nx run-many -t build, cold (against the uv build next to it)', before.build.ms, before.uvBuild.ms, 1.2);
    }
    printTable(rows);
    console.log(
      `\nnode ${process.version}, uv ${run(uvBin, ['--version'], tmp, env).stdout.trim().replace(/^uv /, '')}, nx ${rootPackageJson.devDependencies.nx}, ` +
        `${os.cpus().length}× ${os.cpus()[0]?.model ?? 'cpu'}; whole benchmark ${fmt(now() - tStart)}`,
    );
    const missed = Object.entries(ratios)
      .filter(([k, r]) => !k.endsWith('PerTask') && !r.met)
      .map(([k]) => k);
    console.log(missed.length === 0 ? 'every target met' : `targets MISSED: ${missed.join(', ')}`);
    if (args.json) {
      fs.writeFileSync(
        args.json,
        JSON.stringify(
          {
            args,
            medians: m,
            runs: times,
            perTask: before && {
              version: before.version.ms,
              pin: before.pin.ms,
              restore: before.restore.ms,
              build: before.build.ms,
              uvBuildNextToIt: before.uvBuild.ms,
            },
            ratios,
          },
          null,
          2,
        ),
      );
    }
  } finally {
    if (args.keep) console.log(`kept ${tmp}`);
    else fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
