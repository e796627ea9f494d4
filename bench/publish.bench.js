#!/usr/bin/env node
// Publish benchmark (not a test): 60 small packages in 6 dependency levels published to a local
// pypiserver by nx-uv through Nx (`nx run-many -t publish --parallel=10`), against a sequential
// `uv publish` + poll loop and against the critical path, all measured in the same run.
//
//   npm run bench:publish                     # = npm run build && node bench/publish.bench.js
//   npm run bench:publish:latency             # the same with --upload-latency=1000 --visibility-delay=5000
//   node bench/publish.bench.js --levels=6 --width=10 --parallel=10 [--build=uv|nx] [--server=threaded|wsgiref]
//        [--overhead=0] [--keep] [--json=out.json] [--dist=<built nx-uv>]
//        [--upload-latency=<ms> --visibility-delay=<ms>]
//
// Latency mode (--upload-latency or --visibility-delay above 0): every index sits behind
// bench/latency-proxy.js, which makes each upload take the latency and shows a new file in the simple
// API (and JSON answers) only the visibility delay after its upload — a remote index, not loopback.
// The variants are then different (see runLatency below): one plain `uv publish` of all files, nx-uv at
// its DEFAULT settings (what a user gets: Nx 22+ runs the batch implementation, preferBatch), and
// nx-uv with --parallel=P plus NX_UV_PUBLISH_CONCURRENCY=P, against the critical path
// levels × (latency + visibility). UV_CACHE_DIR in the caller's environment replaces .tools/uv-cache.
//
// Setup (timed apart, not measured): a fresh Nx workspace with the packed plugin installed offline
// (nx and @nx/devkit from the npm cache through a lockfile, as the e2e harness does it), a uv workspace
// of levels × width members (uv_build backend, offline from .tools/wheels) where each member of level
// k > 0 depends on 1–3 members of level k-1 (always on its namesake, so levels are exact), and the
// sdists and wheels built before anything is timed:
//   --build=uv (default): one `uv build --all-packages`, each package's files moved to its dist/; the
//     publish runs pass --exclude-task-dependencies, which drops the build tasks but keeps the
//     publish → ^publish order (checked below);
//   --build=nx: nx-uv's own build executor (`nx run-many -t build`, pins included) run twice so the
//     Nx cache holds every build; the publish runs then find 60 cache hits (the CI shape; slower setup).
//
// Variants, each against a FRESH pypiserver with an upload password, so each uploads all 2 × N files:
//   (1) sequential: for each package in dependency order, `uv publish` of its sdist and wheel, then poll
//       <index>/simple/<name>/ until both are listed (the naive loop); per-package times are kept;
//   (2) nx-uv: `nx run-many -t publish --parallel=P` with UV_PUBLISH_URL / UV_PUBLISH_CHECK_URL and the
//       credentials in the environment (what the generated workflow runs), the whole command timed;
//   (3) critical path: for each level, the slowest single package of (1) (its upload + poll), summed
//       over the levels — what a scheduler with unlimited parallelism and no overhead would take;
//   (4) context: the machine bound max((3), (1) / cores), since here every upload is CPU work on the
//       same machine, and (2) split into Nx start-up (until the first file lands) and the rest.
// Then, unless --overhead=0, on (2)'s index: the same command again (everything already served: a
// no-op publish) and with `-- --skipPublish` (no index contact: Nx's task processes + executor start-up).
// Every variant must leave exactly the 2 × N built files on its index (on disk, byte for byte, and on
// the simple pages); (2) must report N uploads and no package may land before its dependencies
// (file mtimes); the no-op and skipPublish runs must report N skips and leave the index unchanged.
// The index: --server=threaded (default) is pypiserver with the same options on a threaded stdlib server
// (bench/threaded-pypiserver.py); --server=wsgiref is src/testing/pypiserver.ts's exact command line,
// which serves one request at a time with a listen backlog of 5: concurrent clients then lose
// connection attempts and retry them 1 s later, so it penalises any parallel publisher.
// Target (issue 4): (2) within 1.2x of (3).
'use strict';

const { spawn } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const {
  repoRoot,
  rootPackageJson,
  toolsBin,
  uvBin,
  pypiServerBin,
  now,
  prng,
  fmt,
  sleep,
  isolatedEnv,
  benchEnv,
  run,
  runAsync,
  generatePackages,
  writeUvWorkspace,
  printTable,
} = require('./lib');
const installOffline = (root, tarball) => require('./lib').installOffline(root, tarball, 'nx-uv-bench-publish');
const { startLatencyProxy } = require('./latency-proxy');

let distDir = path.join(repoRoot, 'dist', 'packages', 'nx-uv');

function parseArgs(argv) {
  const args = {
    levels: 6,
    width: 10,
    parallel: 10,
    build: 'uv',
    server: 'threaded',
    overhead: 1,
    'build-parallel': 2,
    'upload-latency': 0,
    'visibility-delay': 0,
    'plain-uv': 1,
    keep: false,
    json: undefined,
    dist: distDir,
  };
  for (const arg of argv) {
    const body = arg.replace(/^--/, '');
    const eq = body.indexOf('=');
    const key = eq < 0 ? body : body.slice(0, eq);
    const value = eq < 0 ? undefined : body.slice(eq + 1);
    if (key === 'keep') args.keep = true;
    else if (key === 'json' || key === 'dist') args[key] = value;
    else if (key === 'build' && (value === 'uv' || value === 'nx')) args.build = value;
    else if (key === 'server' && (value === 'threaded' || value === 'wsgiref')) args.server = value;
    else if ((key === 'overhead' || key === 'plain-uv') && (value === '0' || value === '1')) args[key] = Number(value);
    else if ((key === 'upload-latency' || key === 'visibility-delay') && /^\d+$/.test(value ?? '')) args[key] = Number(value);
    else if (key in args && value !== undefined && Number.isInteger(Number(value)) && Number(value) > 0) args[key] = Number(value);
    else throw new Error(`unknown or bad argument ${arg}`);
  }
  return args;
}

// ---------------------------------------------------------------------------------------------
// Processes

// ---------------------------------------------------------------------------------------------
// The Nx workspace (packed plugin, offline install) — the e2e harness's approach, in plain JS

/**
 * package.json + a package-lock.json pinning nx, @nx/devkit and the plugin's dependencies at the
 * versions of the repository's own lock (so every tarball is in the npm cache after `npm ci`), then
 * `npm install --offline`: no registry is contacted.
 */

// ---------------------------------------------------------------------------------------------
// The uv workspace: levels × width tiny packages

/** The built files of each package: { sdist, wheel } paths, exactly one of each, of version 1.0.<level>. */
function builtFiles(root, packages) {
  const out = new Map();
  for (const p of packages) {
    const dir = path.join(root, 'packages', p.name, 'dist');
    const names = fs.existsSync(dir) ? fs.readdirSync(dir) : [];
    const stem = `${p.module}-1.0.${p.level}`;
    const sdist = names.filter((n) => n === `${stem}.tar.gz`);
    const wheel = names.filter((n) => n.startsWith(`${stem}-`) && n.endsWith('.whl'));
    if (sdist.length !== 1 || wheel.length !== 1)
      throw new Error(`${dir}: expected one sdist and one wheel of ${p.name} 1.0.${p.level}, found ${JSON.stringify(names)}`);
    out.set(p.name, [path.join(dir, sdist[0]), path.join(dir, wheel[0])]);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// pypiserver (as src/testing/pypiserver.ts starts it, with an upload password)

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * A fresh pypiserver on 127.0.0.1 with an upload password. `wsgiref`: exactly src/testing/pypiserver.ts's
 * command line (one request at a time, listen backlog 5); `threaded`: the same pypiserver and options
 * through bench/threaded-pypiserver.py (concurrent, backlog 128).
 */
async function startIndex(dir, auth, kind) {
  const packagesDir = path.join(dir, 'packages');
  fs.mkdirSync(packagesDir, { recursive: true });
  const htpasswd = path.join(dir, 'htpasswd');
  fs.writeFileSync(htpasswd, `${auth.username}:{SHA}${crypto.createHash('sha1').update(auth.password).digest('base64')}\n`, { mode: 0o600 });
  const logFile = path.join(dir, 'pypiserver.log');
  for (let attempt = 1; attempt <= 5; attempt++) {
    const port = await freePort();
    const command = kind === 'threaded' ? [path.join(toolsBin, 'python'), path.join(__dirname, 'threaded-pypiserver.py')] : [pypiServerBin];
    const child = spawn(
      command[0],
      [
        ...command.slice(1),
        'run',
        '-i',
        '127.0.0.1',
        '-p',
        String(port),
        '-P',
        htpasswd,
        '-a',
        'update',
        '--disable-fallback',
        '--server',
        'wsgiref',
        '--log-file',
        logFile,
        '--log-stream',
        'none',
        packagesDir,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    let dead = false;
    child.once('exit', () => (dead = true));
    const simpleUrl = `http://127.0.0.1:${port}/simple/`;
    const deadline = Date.now() + 20000;
    while (!dead && Date.now() < deadline) {
      try {
        const res = await fetch(simpleUrl, { signal: AbortSignal.timeout(1000) });
        if (res.status === 200 && (await res.text()).includes('Simple Index')) {
          const stop = () =>
            new Promise((resolve) => {
              if (child.exitCode !== null || child.signalCode !== null) return resolve();
              const force = setTimeout(() => child.kill('SIGKILL'), 3000);
              child.once('exit', () => (clearTimeout(force), resolve()));
              child.kill('SIGTERM');
            });
          return { url: `http://127.0.0.1:${port}/`, simpleUrl, packagesDir, stop };
        }
      } catch {
        // not up yet
      }
      await sleep(50);
    }
    child.kill('SIGKILL');
    if (!/address already in use|errno 98/i.test(stderr)) throw new Error(`pypiserver did not start on port ${port}: ${stderr}`);
  }
  throw new Error('pypiserver did not start after 5 ports');
}

/** File names the simple page of `name` lists (PEP 503 HTML), or [] on 404. */
async function listed(simpleUrl, name) {
  const res = await fetch(`${simpleUrl}${name}/`);
  if (res.status === 404) return [];
  if (!res.ok) throw new Error(`GET ${simpleUrl}${name}/ answered ${res.status}`);
  return [...(await res.text()).matchAll(/<a [^>]*>([^<]+)<\/a>/g)].map((m) => m[1]);
}

/** The index must hold exactly the 2 × N built files: on disk, byte for byte, and on every simple page. */
async function verifyIndex(index, packages, files, label) {
  const onDisk = fs.readdirSync(index.packagesDir).sort();
  const expected = packages.flatMap((p) => files.get(p.name).map((f) => path.basename(f))).sort();
  if (JSON.stringify(onDisk) !== JSON.stringify(expected)) {
    throw new Error(
      `${label}: the index holds ${onDisk.length} files, expected the ${expected.length} built ones\n  missing: ${expected.filter((f) => !onDisk.includes(f)).join(', ')}`,
    );
  }
  for (const p of packages) {
    for (const f of files.get(p.name)) {
      const a = fs.readFileSync(f);
      const b = fs.readFileSync(path.join(index.packagesDir, path.basename(f)));
      if (!a.equals(b)) throw new Error(`${label}: ${path.basename(f)} on the index differs from the built file`);
    }
    const names = await listed(index.simpleUrl, p.name);
    for (const f of files.get(p.name))
      if (!names.includes(path.basename(f))) throw new Error(`${label}: ${index.simpleUrl}${p.name}/ does not list ${path.basename(f)}`);
  }
  return onDisk.length;
}

/** Upload times from the index's files: per package the latest mtime of its files (ms since epoch). */
function landedAt(index, packages, files) {
  const at = new Map();
  for (const p of packages) {
    at.set(p.name, Math.max(...files.get(p.name).map((f) => fs.statSync(path.join(index.packagesDir, path.basename(f))).mtimeMs)));
  }
  return at;
}

function firstLandedAt(index, packages, files) {
  const at = new Map();
  for (const p of packages) {
    at.set(p.name, Math.min(...files.get(p.name).map((f) => fs.statSync(path.join(index.packagesDir, path.basename(f))).mtimeMs)));
  }
  return at;
}

// ---------------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------------
// Latency mode (--upload-latency / --visibility-delay): every variant goes through a latency proxy

/**
 * Each variant against a FRESH pypiserver behind bench/latency-proxy.js (an upload takes
 * `upload-latency` ms; a new file shows in the listings `visibility-delay` ms after its upload):
 *   (A) plain uv: ONE `uv publish` of all 2 × N files in dependency order (uv uploads them one after
 *       the other), then polling the proxy every 100 ms until the last file is listed (a dependent
 *       installs only then), both timed;
 *   (B) nx-uv at its DEFAULT settings: `nx run-many -t publish` (no --parallel, no variable, no
 *       executor option: Nx 22+ runs the batch implementation, preferBatch);
 *   (C) context: `--parallel=P` with NX_UV_PUBLISH_CONCURRENCY=P (Nx does not hand --parallel to a
 *       batch, so --parallel alone changes nothing);
 *   critical path: levels × (upload latency + visibility delay) — a level's packages can go up only
 *   once the previous level is served; also shown: levels × (2 × latency + visibility), the path
 *   when a package's two files go up one after the other (the issue's 42 s).
 */
async function runLatency({ args, ws, tmp, packages, files, byLevel, newIndex, nx, baseEnv, auth, secrets, servers, tStart }) {
  const latency = args['upload-latency'];
  const visibility = args['visibility-delay'];
  const proxied = async (label) => {
    const index = await newIndex(label);
    const proxy = await startLatencyProxy(index.url, { uploadLatencyMs: latency, visibilityDelayMs: visibility });
    servers.push(proxy);
    return { index, proxy };
  };
  const total = packages.length * 2;
  const critMs = args.levels * (latency + visibility);
  const critSerialMs = args.levels * (2 * latency + visibility);

  // (A) one plain `uv publish` of every file, then wait until the last one is listed (--plain-uv=0
  // skips it while trying out nx-uv: every ratio to (A) is then NaN).
  let uvUploadMs = NaN;
  let uvMs = NaN;
  if (args['plain-uv']) ({ uvUploadMs, uvMs } = await plainUv());
  async function plainUv() {
    const a = await proxied('uv');
    const uvEnv = { ...baseEnv, UV_PUBLISH_USERNAME: auth.username, UV_PUBLISH_PASSWORD: auth.password };
    delete uvEnv.UV_OFFLINE;
    const ordered = packages.flatMap((p) => files.get(p.name));
    const tA = now();
    await runAsync(uvBin, ['publish', '--publish-url', a.proxy.url, '--trusted-publishing', 'never', ...ordered], ws, uvEnv, secrets);
    const uvUploadMs = now() - tA;
    const last = packages[packages.length - 1];
    for (;;) {
      const names = await listed(a.proxy.simpleUrl, last.name);
      if (files.get(last.name).every((f) => names.includes(path.basename(f)))) break;
      if (now() - tA > uvUploadMs + visibility + 60000) throw new Error(`(A) ${last.name} not listed ${visibility + 60000} ms after the upload`);
      await sleep(100);
    }
    const uvMs = now() - tA;
    await verifyIndex(a.index, packages, files, '(A) plain uv publish');
    if (a.proxy.uploads.length !== total) throw new Error(`(A) the proxy saw ${a.proxy.uploads.length} uploads, expected ${total}`);
    return { uvUploadMs, uvMs };
  }

  // (B) and (C): nx-uv through Nx.
  const nxVariant = async (label, nxExtra, envExtra) => {
    const { index, proxy } = await proxied(label);
    const env = {
      ...baseEnv,
      ...envExtra,
      UV_PUBLISH_URL: proxy.url,
      UV_PUBLISH_CHECK_URL: proxy.simpleUrl,
      UV_PUBLISH_USERNAME: auth.username,
      UV_PUBLISH_PASSWORD: auth.password,
    };
    const tNxStart = Date.now();
    const run = await nx(['run-many', '-t', 'publish', ...nxExtra, ...(args.build === 'uv' ? ['--exclude-task-dependencies'] : [])], env);
    const checked = await checkNxRun(run, index, packages, files, byLevel, tNxStart, auth, `(${label}) nx-uv`);
    if (proxy.uploads.length !== total) throw new Error(`(${label}) the proxy saw ${proxy.uploads.length} uploads, expected ${total}`);
    // How the two files of a package went up: overlapping (concurrent) or one after the other.
    let overlapping = 0;
    for (const p of packages) {
      const [x, y] = files.get(p.name).map((f) => proxy.uploads.find((u) => u.filename === path.basename(f)));
      if (x.start < y.done && y.start < x.done) overlapping++;
    }
    // Lag: from the moment the proxy shows a package's last dependency to its first upload arriving
    // (the wait's poll interval, the task's start, uv's start and its --check-url request).
    const shownAt = (name) => Math.max(...files.get(name).map((f) => proxy.uploads.find((u) => u.filename === path.basename(f)).done + visibility));
    const lags = packages
      .filter((p) => p.deps.length > 0)
      .map(
        (p) => Math.min(...files.get(p.name).map((f) => proxy.uploads.find((u) => u.filename === path.basename(f)).start)) - Math.max(...p.deps.map(shownAt)),
      );
    lags.sort((m, n) => m - n);
    const lag = { mean: lags.reduce((n, l) => n + l, 0) / lags.length, median: lags[lags.length >> 1], max: lags[lags.length - 1] };
    return { ms: run.ms, overlapping, lag, ...checked };
  };
  const b = await nxVariant('default', [], {});
  const c = await nxVariant(`concurrency-${args.parallel}`, [`--parallel=${args.parallel}`], { NX_UV_PUBLISH_CONCURRENCY: String(args.parallel) });

  const verdict = (ok) => (ok ? 'met' : 'MISSED');
  const x = (n) => `${n.toFixed(2)}x`;
  console.log('');
  printTable([
    ['', 'wall time', 'vs critical path', `vs (A)`],
    [`(A) plain uv publish: ${total} files in one command`, fmt(uvUploadMs), x(uvUploadMs / critMs), ''],
    [`    … until the last file is listed (+ the visibility wait)`, fmt(uvMs), x(uvMs / critMs), '1.00x'],
    [`(B) nx-uv, default settings: nx run-many -t publish`, fmt(b.ms), x(b.ms / critMs), x(b.ms / uvMs)],
    [`(C) nx-uv --parallel=${args.parallel}, NX_UV_PUBLISH_CONCURRENCY=${args.parallel}`, fmt(c.ms), x(c.ms / critMs), x(c.ms / uvMs)],
    [`critical path: ${args.levels} levels × (${fmt(latency)} upload + ${fmt(visibility)} visibility)`, fmt(critMs), '1.00x', ''],
    [`  the same, a package's 2 files one after the other (${args.levels} × (2 × upload + visibility))`, fmt(critSerialMs), x(critSerialMs / critMs), ''],
  ]);
  console.log('');
  printTable([
    ['level', '(B) first file landed', '(B) level done', '(B) since previous', '(C) first file landed', '(C) level done', '(C) since previous'],
    ...byLevel.map((_, i) => [
      String(i),
      `+${fmt(b.levelFirst[i])}`,
      `+${fmt(b.levelDone[i])}`,
      fmt(b.levelDone[i] - (i === 0 ? 0 : b.levelDone[i - 1])),
      `+${fmt(c.levelFirst[i])}`,
      `+${fmt(c.levelDone[i])}`,
      fmt(c.levelDone[i] - (i === 0 ? 0 : c.levelDone[i - 1])),
    ]),
  ]);
  for (const [label, v] of [
    ['(B)', b],
    ['(C)', c],
  ]) {
    console.log(
      `${label}: ${v.overlapping} of ${packages.length} packages uploaded their 2 files at the same time; nx-uv polled ${v.meanPolls.toFixed(2)} times per package, ` +
        `waiting ${fmt(v.meanWaitMs)} on average after its upload (the index shows a file ${fmt(visibility)} after its upload).`,
    );
  }
  for (const [label, v] of [
    ['(B)', b],
    ['(C)', c],
  ]) {
    console.log(
      `${label}: from its last dependency shown to its first upload arriving, a package took ${fmt(v.lag.mean)} on average (median ${fmt(v.lag.median)}, max ${fmt(v.lag.max)}).`,
    );
  }
  console.log(`every index held all ${total} files after its variant; in (B) and (C) no package landed before its dependencies.`);
  console.log(
    `node ${process.version}, uv ${run(uvBin, ['--version'], tmp, baseEnv).stdout.trim().replace(/^uv /, '')}, nx ${rootPackageJson.devDependencies.nx}, ${os.cpus().length}× ${os.cpus()[0]?.model ?? 'cpu'}`,
  );
  const targetCrit = b.ms <= 1.2 * critMs;
  const targetUv = b.ms < uvMs;
  console.log(
    `target (B) ≤ 1.2x the critical path (${fmt(1.2 * critMs)}): ${verdict(targetCrit)} (${x(b.ms / critMs)}; ${x(b.ms / critSerialMs)} of ${fmt(critSerialMs)})`,
  );
  console.log(
    `target (B) faster than (A) plain uv publish: ${args['plain-uv'] ? `${verdict(targetUv)} (${x(b.ms / uvMs)})` : 'not measured (--plain-uv=0)'}; whole benchmark ${fmt(now() - tStart)}`,
  );
  if (args.json) {
    fs.writeFileSync(
      args.json,
      JSON.stringify(
        { args, uvUploadMs, uvMs, criticalPathMs: critMs, criticalPathSerialMs: critSerialMs, default: b, concurrency: c, targetCrit, targetUv },
        null,
        2,
      ),
    );
  }
}

/** The checks of an nx-uv publish run: N uploads reported, no password, the index exact, dependency order; level times. */
async function checkNxRun(nxRun, index, packages, files, byLevel, tNxStart, auth, label) {
  if (nxRun.stdout.includes(auth.password) || nxRun.stderr.includes(auth.password)) throw new Error(`${label}: the upload password appeared in the Nx output`);
  const uploadedLines = nxRun.stdout.split('\n').filter((l) => /nx-uv publish: \S+ \S+: uploaded /.test(l));
  if (uploadedLines.length !== packages.length)
    throw new Error(`${label}: reported ${uploadedLines.length} uploads, expected ${packages.length}\n${nxRun.stdout}`);
  await verifyIndex(index, packages, files, label);
  const firstAt = firstLandedAt(index, packages, files);
  const lastAt = landedAt(index, packages, files);
  for (const p of packages) {
    for (const d of p.deps) if (firstAt.get(p.name) < lastAt.get(d)) throw new Error(`${label}: ${p.name} landed on the index before its dependency ${d}`);
  }
  const polls = [...nxRun.stdout.matchAll(/after (\d+) poll\(s\), ([\d.]+) s\./g)].map((m) => [Number(m[1]), Number(m[2])]);
  return {
    levelDone: byLevel.map((ps) => Math.max(...ps.map((p) => lastAt.get(p.name))) - tNxStart),
    levelFirst: byLevel.map((ps) => Math.min(...ps.map((p) => firstAt.get(p.name))) - tNxStart),
    meanPolls: polls.length ? polls.reduce((n, [k]) => n + k, 0) / polls.length : NaN,
    meanWaitMs: polls.length ? (polls.reduce((n, [, s]) => n + s, 0) / polls.length) * 1000 : NaN,
  };
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  distDir = path.resolve(args.dist);
  for (const need of [uvBin, pypiServerBin]) if (!fs.existsSync(need)) throw new Error(`missing ${need}: run \`npm run python-tools\` first`);
  if (!fs.existsSync(path.join(distDir, 'package.json')) || !fs.existsSync(path.join(distDir, 'src', 'index.js'))) {
    throw new Error(`${distDir} holds no built plugin: run \`npm run build\` first (npm run bench:publish does)`);
  }
  const tStart = now();
  const tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'nx-uv-bench-publish-')));
  const servers = [];
  try {
    const ws = path.join(tmp, 'workspace');
    fs.mkdirSync(ws);
    const auth = { username: 'bench', password: crypto.randomBytes(12).toString('hex') };
    const secrets = [auth.password];
    // UV_CACHE_DIR from the caller's environment wins (.tools may be shared and read-only).
    const baseEnv = benchEnv({ uvCacheDir: process.env.UV_CACHE_DIR || undefined });

    // Setup: packed plugin, offline install, the uv workspace, a git commit, one build.
    const t0 = now();
    const packed = JSON.parse(run('npm', ['pack', distDir, '--pack-destination', tmp, '--json'], tmp, isolatedEnv()).stdout)[0].filename;
    installOffline(ws, path.join(tmp, packed));
    const tInstall = now();
    const packages = generatePackages(args.levels, args.width);
    writeUvWorkspace(ws, packages);
    run('git', ['init', '-q', '-b', 'main'], ws, baseEnv);
    run('git', ['add', '-A'], ws, baseEnv);
    run('git', ['commit', '-q', '--no-verify', '-m', 'feat: the benchmark packages'], ws, baseEnv);
    // Nx options go before `--` (what follows it goes to the executor); static output shows every task's log.
    const nx = (nxArgs, env, executorArgs = []) =>
      runAsync('npx', ['--no-install', 'nx', ...nxArgs, '--output-style=static', ...(executorArgs.length ? ['--', ...executorArgs] : [])], ws, env, secrets);
    let buildNote;
    if (args.build === 'nx') {
      // The CI shape: nx-uv's build executor (pins), then publish runs find every build a cache hit.
      const buildRun = await nx(['run-many', '-t', 'build', `--parallel=${args['build-parallel']}`], baseEnv);
      const rebuild = await nx(['run-many', '-t', 'build', `--parallel=${args['build-parallel']}`], baseEnv);
      const cacheHits = (rebuild.stdout.match(/existing outputs match the cache|\[local cache\]/g) ?? []).length;
      if (cacheHits < packages.length)
        throw new Error(`the second build run had ${cacheHits} cache hits, expected ${packages.length}: builds would be measured\n${rebuild.stdout}`);
      buildNote = `nx run-many -t build in ${fmt(buildRun.ms)} (all-cache-hit rerun ${fmt(rebuild.ms)}; publish runs include those cache hits)`;
    } else {
      // Fast: one `uv build --all-packages`, each package's files moved to its dist/; publish runs use
      // --exclude-task-dependencies, which drops the build tasks but keeps the ^publish order.
      const out = path.join(tmp, 'built');
      const tb = now();
      run(uvBin, ['build', '--all-packages', '--no-sources', '--out-dir', out, '--quiet'], ws, baseEnv);
      for (const p of packages) {
        const dist = path.join(ws, 'packages', p.name, 'dist');
        fs.mkdirSync(dist, { recursive: true });
        for (const f of fs.readdirSync(out).filter((n) => n.startsWith(`${p.module}-`))) fs.renameSync(path.join(out, f), path.join(dist, f));
      }
      buildNote = `one uv build --all-packages in ${fmt(now() - tb)} (publish runs with --exclude-task-dependencies: no build tasks)`;
    }
    const files = builtFiles(ws, packages);
    const total = packages.length * 2;
    const edges = packages.reduce((n, p) => n + p.deps.length, 0);
    console.log(
      `setup: Nx workspace with packed ${packed} (offline install ${fmt(tInstall - t0)}); ${packages.length} packages in ${args.levels} levels ` +
        `(${edges} internal dependencies), ${total} files built by ${buildNote}; under ${tmp}`,
    );

    const byLevel = Array.from({ length: args.levels }, (_, l) => packages.filter((p) => p.level === l));
    const newIndex = async (label) => {
      const dir = path.join(tmp, `index-${label}`);
      const index = await startIndex(dir, auth, args.server);
      servers.push(index);
      return index;
    };
    if (args['upload-latency'] > 0 || args['visibility-delay'] > 0) {
      await runLatency({ args, ws, tmp, packages, files, byLevel, newIndex, nx, baseEnv, auth, secrets, servers, tStart });
      return;
    }

    // (1) Sequential loop: uv publish + poll, one package at a time, in dependency order.
    const seqIndex = await newIndex('sequential');
    const uvEnv = { ...baseEnv, UV_PUBLISH_USERNAME: auth.username, UV_PUBLISH_PASSWORD: auth.password };
    delete uvEnv.UV_OFFLINE;
    const perPackage = new Map();
    const tSeq = now();
    for (const p of packages) {
      const pf = files.get(p.name);
      const t = now();
      await runAsync(uvBin, ['publish', '--publish-url', seqIndex.url, '--trusted-publishing', 'never', ...pf], ws, uvEnv, secrets);
      const tUp = now();
      let polls = 0;
      for (;;) {
        polls++;
        const names = await listed(seqIndex.simpleUrl, p.name);
        if (pf.every((f) => names.includes(path.basename(f)))) break;
        if (now() - tUp > 60000) throw new Error(`sequential: ${p.name} not served 60 s after its upload`);
        await sleep(20);
      }
      perPackage.set(p.name, { upload: tUp - t, poll: now() - tUp, polls });
    }
    const seqMs = now() - tSeq;
    await verifyIndex(seqIndex, packages, files, '(1) sequential');

    // (3) The critical path, from (1)'s per-package times.
    const levelStats = byLevel.map((ps) => {
      const times = ps.map((p) => {
        const x = perPackage.get(p.name);
        return { name: p.name, total: x.upload + x.poll, upload: x.upload, poll: x.poll };
      });
      const slowest = times.reduce((a, b) => (b.total > a.total ? b : a));
      return {
        slowest,
        sum: times.reduce((n, x) => n + x.total, 0),
        meanUpload: times.reduce((n, x) => n + x.upload, 0) / times.length,
        meanPoll: times.reduce((n, x) => n + x.poll, 0) / times.length,
      };
    });
    const critMs = levelStats.reduce((n, l) => n + l.slowest.total, 0);

    // (2) nx-uv through Nx.
    const nxIndex = await newIndex('nx');
    const publishEnv = {
      ...baseEnv,
      UV_PUBLISH_URL: nxIndex.url,
      UV_PUBLISH_CHECK_URL: nxIndex.simpleUrl,
      UV_PUBLISH_USERNAME: auth.username,
      UV_PUBLISH_PASSWORD: auth.password,
    };
    const publishArgs = ['run-many', '-t', 'publish', `--parallel=${args.parallel}`, ...(args.build === 'uv' ? ['--exclude-task-dependencies'] : [])];
    const tNxStart = Date.now();
    const nxRun = await nx(publishArgs, publishEnv);
    if (nxRun.stdout.includes(auth.password) || nxRun.stderr.includes(auth.password)) throw new Error('(2) the upload password appeared in the Nx output');
    const uploadedLines = nxRun.stdout.split('\n').filter((l) => /nx-uv publish: \S+ \S+: uploaded /.test(l));
    if (uploadedLines.length !== packages.length) {
      throw new Error(`(2) nx-uv reported ${uploadedLines.length} uploads, expected ${packages.length}\n${nxRun.stdout}`);
    }
    const buildTasks = (nxRun.stdout.match(/nx run \S+:build/g) ?? []).length;
    const buildHits = (nxRun.stdout.match(/nx run \S+:build\s+\[(existing outputs match the cache, left as is|local cache)\]/g) ?? []).length;
    if (args.build === 'nx' ? buildHits !== packages.length : buildTasks !== 0) {
      throw new Error(`(2) ${buildTasks} build tasks ran, ${buildHits} of them cache hits: builds were measured\n${nxRun.stdout}`);
    }
    await verifyIndex(nxIndex, packages, files, '(2) nx-uv');
    const polls = [...nxRun.stdout.matchAll(/after (\d+) poll\(s\), ([\d.]+) s\./g)].map((m) => [Number(m[1]), Number(m[2])]);
    // Dependency order: every package's first file landed after the last file of each of its dependencies.
    const firstAt = firstLandedAt(nxIndex, packages, files);
    const lastAt = landedAt(nxIndex, packages, files);
    for (const p of packages) {
      for (const d of p.deps) {
        if (firstAt.get(p.name) < lastAt.get(d)) throw new Error(`(2) ${p.name} landed on the index before its dependency ${d}`);
      }
    }
    // Per level: when its last file landed, from the start of the nx command.
    const levelDone = byLevel.map((ps) => Math.max(...ps.map((p) => lastAt.get(p.name))) - tNxStart);
    const levelFirst = byLevel.map((ps) => Math.min(...ps.map((p) => firstAt.get(p.name))) - tNxStart);

    // Nx's overhead: a no-op publish (everything served) and a run that contacts no index.
    let noop;
    let skip;
    if (args.overhead) {
      noop = await nx(publishArgs, publishEnv);
      const noopSkipped = noop.stdout.split('\n').filter((l) => /nothing to upload; .*already on the index \(identical\)/.test(l)).length;
      if (noopSkipped !== packages.length)
        throw new Error(`no-op run: ${noopSkipped} packages reported nothing to upload, expected ${packages.length}\n${noop.stdout}`);
      skip = await nx(publishArgs, publishEnv, ['--skipPublish']);
      const skipLines = skip.stdout.split('\n').filter((l) => /skipped \(skipPublish\)/.test(l)).length;
      if (skipLines !== packages.length) throw new Error(`skipPublish run: ${skipLines} packages skipped, expected ${packages.length}\n${skip.stdout}`);
      await verifyIndex(nxIndex, packages, files, 'the no-op and skipPublish runs');
    }

    const ratioCrit = nxRun.ms / critMs;
    const ratioSeq = seqMs / nxRun.ms;
    // Context for the verdict: the uploads are CPU work on this machine (uv, Python, Node), so with
    // C cores nothing finishes before (1)/C; and Nx needs time before the first upload starts.
    const cores = os.cpus().length;
    const machineBound = Math.max(critMs, seqMs / cores);
    const startup = Math.min(...levelFirst);
    const afterStart = Math.max(...levelDone) - startup;
    console.log('');
    printTable([
      ['', 'wall time', 'ratio'],
      [`(1) sequential loop: uv publish + poll, ${packages.length} packages one by one`, fmt(seqMs), ''],
      [`(2) nx-uv: nx run-many -t publish --parallel=${args.parallel}`, fmt(nxRun.ms), ''],
      [`(3) critical path: Σ over ${args.levels} levels of the slowest upload + poll in (1)`, fmt(critMs), ''],
      ['(2)/(3)  nx-uv vs the critical path (target ≤ 1.2x)', '', `${ratioCrit.toFixed(2)}x`],
      ['(1)/(2)  speed-up of nx-uv over the sequential loop', '', `${ratioSeq.toFixed(2)}x`],
      [`(4) machine bound: max((3), (1) / ${cores} cores)`, fmt(machineBound), ''],
      ['(2)/(4)', '', `${(nxRun.ms / machineBound).toFixed(2)}x`],
      ['(2) split: Nx start-up until the first file landed', fmt(startup), ''],
      ['          first file landed → last file landed', fmt(afterStart), `${(afterStart / critMs).toFixed(2)}x (3)`],
      ...(args.overhead
        ? [
            ['Nx overhead: the same command, everything already served (no-op)', fmt(noop.ms), ''],
            ['Nx overhead: the same command with -- --skipPublish (no index contact)', fmt(skip.ms), ''],
          ]
        : []),
    ]);
    console.log('');
    printTable([
      [
        'level',
        'pkgs',
        '(1) Σ upload+poll',
        '(1) mean uv publish',
        '(1) mean poll',
        '(3) slowest',
        '(2) first file landed',
        '(2) level done',
        '(2) since previous level',
      ],
      ...levelStats.map((l, i) => [
        String(i),
        String(byLevel[i].length),
        fmt(l.sum),
        fmt(l.meanUpload),
        fmt(l.meanPoll),
        fmt(l.slowest.total),
        `+${fmt(levelFirst[i])}`,
        `+${fmt(levelDone[i])}`,
        fmt(levelDone[i] - (i === 0 ? 0 : levelDone[i - 1])),
      ]),
    ]);
    const meanPolls = polls.length ? polls.reduce((n, [k]) => n + k, 0) / polls.length : NaN;
    console.log(
      `\nevery index held all ${total} files (${packages.length} wheels + ${packages.length} sdists) after its variant; in (2) no package landed before its dependencies; ` +
        `nx-uv polled ${meanPolls.toFixed(2)} times per package on average; ${args.build === 'nx' ? 'every build was a cache hit' : 'no build task ran'}.`,
    );
    console.log(
      `node ${process.version}, uv ${run(uvBin, ['--version'], tmp, baseEnv).stdout.trim().replace(/^uv /, '')}, nx ${rootPackageJson.devDependencies.nx}, pypiserver ${args.server === 'threaded' ? '(threaded stdlib server, bench/threaded-pypiserver.py)' : '(wsgiref: one request at a time)'}, ${os.cpus().length}× ${os.cpus()[0]?.model ?? 'cpu'}`,
    );
    console.log(`target (2) within 1.2x of (3): ${ratioCrit <= 1.2 ? 'met' : 'MISSED'} (${ratioCrit.toFixed(2)}x); whole benchmark ${fmt(now() - tStart)}`);
    if (args.json) {
      fs.writeFileSync(
        args.json,
        JSON.stringify(
          {
            args,
            sequentialMs: seqMs,
            nxMs: nxRun.ms,
            criticalPathMs: critMs,
            ratioCrit,
            ratioSeq,
            noopMs: noop?.ms,
            skipPublishMs: skip?.ms,
            levelStats,
            levelFirst,
            levelDone,
            perPackage: Object.fromEntries(perPackage),
          },
          null,
          2,
        ),
      );
    }
  } finally {
    for (const s of servers) await s.stop();
    if (args.keep) console.log(`kept ${tmp}`);
    else fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
