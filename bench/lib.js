// Helpers shared by the benchmarks (plain Node; nx, @nx/devkit and semver from the repository's node_modules).
'use strict';

const { spawn, spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const repoRoot = path.resolve(__dirname, '..');
const rootPackageJson = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
/** The Python tools `npm run python-tools` installs (uv, pypiserver) into the ignored `.tools` folder. */
const toolsDir = path.join(repoRoot, '.tools');
const toolsBin = path.join(toolsDir, 'venv', 'bin');
const uvBin = path.join(toolsBin, 'uv');
const pypiServerBin = path.join(toolsBin, 'pypi-server');
const semver = require(require.resolve('semver', { paths: [repoRoot] }));

/** Milliseconds from a monotonic clock. */
const now = () => Number(process.hrtime.bigint()) / 1e6;

/** The median of a list of numbers. */
function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Deterministic PRNG (mulberry32) so that every run benchmarks the same generated input. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A duration for humans. */
const fmt = (ms) => (ms >= 10000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 100 ? `${ms.toFixed(0)} ms` : `${ms.toFixed(1)} ms`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// Processes

/** Parent environment without what would leak an outer npm/nx run into the child (as the e2e harness does). */
function isolatedEnv(extra = {}) {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^npm_/i.test(key) && !/^npm_config_(cache|userconfig)$/i.test(key)) continue;
    if (/^(NX_|INIT_CWD$|UV_)/.test(key)) continue;
    env[key] = value;
  }
  env.PATH = (process.env.PATH ?? '')
    .split(path.delimiter)
    .filter((e) => e && !/node_modules[\\/]\.bin$/.test(e))
    .join(path.delimiter);
  return { ...env, npm_config_update_notifier: 'false', ...extra };
}

function run(cmd, args, cwd, env, secrets = []) {
  const res = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (res.error || res.status !== 0) {
    let text = `${cmd} ${args.join(' ')} failed in ${cwd} (exit ${res.status})\n${res.stdout ?? ''}\n${res.stderr ?? ''}${res.error ? `\n${res.error.message}` : ''}`;
    for (const s of secrets) text = text.split(s).join('***');
    throw new Error(text);
  }
  return res;
}

/** Async spawn, returns { ms, stdout, stderr }; throws on a non-zero exit. */
function runAsync(cmd, args, cwd, env, secrets = []) {
  return new Promise((resolve, reject) => {
    const t = now();
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.once('error', reject);
    child.once('close', (code) => {
      const ms = now() - t;
      if (code === 0) return resolve({ ms, stdout, stderr });
      let text = `${cmd} ${args.join(' ')} failed (exit ${code})\n${stdout}\n${stderr}`;
      for (const s of secrets) text = text.split(s).join('***');
      reject(new Error(text));
    });
  });
}

// ---------------------------------------------------------------------------------------------
// The Nx workspace (packed plugin, offline install) — the e2e harness's approach, in plain JS

/**
 * package.json + a package-lock.json pinning nx, @nx/devkit and the plugin's dependencies at the
 * versions of the repository's own lock (so every tarball is in the npm cache after `npm ci`), then
 * `npm install --offline`: no registry is contacted.
 */
function installOffline(root, tarball, name = 'nx-uv-bench') {
  const manifest = JSON.parse(run('tar', ['-xOzf', tarball, 'package/package.json'], root, isolatedEnv()).stdout);
  const devDependencies = {
    nx: rootPackageJson.devDependencies.nx,
    '@nx/devkit': rootPackageJson.devDependencies['@nx/devkit'],
    [manifest.name]: `file:${tarball}`,
  };
  const pkg = { name, version: '0.0.0', private: true, devDependencies, allowScripts: rootPackageJson.allowScripts ?? { nx: true } };
  const entries = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package-lock.json'), 'utf8')).packages;
  const locate = (from, dep) => {
    for (let at = from; ;) {
      const candidate = `${at ? `${at}/` : ''}node_modules/${dep}`;
      if (entries[candidate]) return candidate;
      if (!at) return undefined;
      const cut = at.lastIndexOf('/node_modules/');
      at = cut < 0 ? '' : at.slice(0, cut);
    }
  };
  const keep = new Set();
  const queue = [];
  for (const [dep, range] of [['nx', devDependencies.nx], ['@nx/devkit', devDependencies['@nx/devkit']], ...Object.entries(manifest.dependencies ?? {})]) {
    const at = locate('', dep);
    if (!at || !semver.satisfies(entries[at].version ?? '', range))
      throw new Error(`package-lock.json has no top-level ${dep}@${range}: run \`npm ci\` in ${repoRoot}`);
    queue.push(at);
  }
  while (queue.length) {
    const at = queue.pop();
    if (keep.has(at)) continue;
    keep.add(at);
    for (const field of ['dependencies', 'optionalDependencies', 'peerDependencies']) {
      for (const dep of Object.keys(entries[at][field] ?? {})) {
        const found = locate(at, dep);
        if (found) queue.push(found);
        else if (field === 'dependencies') throw new Error(`package-lock.json: ${at} needs ${dep}, not in the lock`);
      }
    }
  }
  const registry = run('npm', ['config', 'get', 'registry'], root, isolatedEnv()).stdout.trim().replace(/\/?$/, '/');
  const packages = {
    '': { name: pkg.name, version: '0.0.0', devDependencies },
    [`node_modules/${manifest.name}`]: {
      version: manifest.version,
      resolved: `file:${tarball}`,
      integrity: `sha512-${crypto.createHash('sha512').update(fs.readFileSync(tarball)).digest('base64')}`,
      dev: true,
      license: manifest.license,
      dependencies: manifest.dependencies,
      engines: manifest.engines,
      peerDependencies: manifest.peerDependencies,
    },
  };
  for (const at of [...keep].sort()) {
    const entry = { ...entries[at] };
    const name = entry.name ?? at.slice(at.lastIndexOf('node_modules/') + 'node_modules/'.length);
    if (!entry.resolved && !entry.link) entry.resolved = `${registry}${name}/-/${name.split('/').pop()}-${entry.version}.tgz`;
    packages[at] = entry;
  }
  fs.writeFileSync(path.join(root, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');
  fs.writeFileSync(path.join(root, 'package-lock.json'), JSON.stringify({ name: pkg.name, lockfileVersion: 3, requires: true, packages }, null, 2) + '\n');
  try {
    run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--loglevel=error'], root, isolatedEnv());
  } catch (error) {
    error.message = `offline install of nx and the packed nx-uv failed (run \`npm ci\` in ${repoRoot} first to fill the npm cache)\n${error.message}`;
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// The uv workspace: levels × width tiny packages

/** levels × width packages; each of level k > 0 depends on 1–3 of level k-1, always its namesake (so levels are exact). */
function generatePackages(levels, width) {
  const random = prng(4242);
  const packages = [];
  for (let level = 0; level < levels; level++) {
    for (let j = 0; j < width; j++) {
      const name = `bench-l${level}-p${String(j).padStart(2, '0')}`;
      const deps = new Set();
      if (level > 0) {
        deps.add(`bench-l${level - 1}-p${String(j).padStart(2, '0')}`); // at least one: the level is exact
        const extra = Math.floor(random() * 3);
        for (let e = 0; e < extra; e++) deps.add(`bench-l${level - 1}-p${String(Math.floor(random() * width)).padStart(2, '0')}`);
      }
      packages.push({ name, level, deps: [...deps].sort(), module: name.replace(/-/g, '_') });
    }
  }
  return packages;
}

/**
 * Writes the uv workspace of `packages` (and nx.json with the plugin) under `root`. `backend`:
 * 'uv_build' (default) or 'hatchling', both offline from the wheelhouse in .tools/wheels.
 */
function writeUvWorkspace(root, packages, { backend = 'uv_build' } = {}) {
  const buildSystem =
    backend === 'hatchling'
      ? `[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n`
      : `[build-system]\nrequires = ["uv_build>=0.13,<0.14"]\nbuild-backend = "uv_build"\n`;
  const files = {
    'pyproject.toml': `[tool.uv.workspace]\nmembers = ["packages/*"]\n\n[tool.uv.sources]\n${packages.map((p) => `${p.name} = { workspace = true }`).join('\n')}\n`,
    'nx.json': JSON.stringify({ $schema: './node_modules/nx/schemas/nx-schema.json', plugins: ['nx-uv'] }, null, 2) + '\n',
    '.gitignore': 'node_modules/\n.nx/\ndist/\n.venv/\n.nx-uv/\n',
  };
  for (const p of packages) {
    files[`packages/${p.name}/pyproject.toml`] =
      `[project]\nname = "${p.name}"\nversion = "1.0.${p.level}"\ndescription = "nx-uv benchmark package ${p.name}"\nreadme = "README.md"\n` +
      `requires-python = ">=3.9"\ndependencies = [${p.deps.map((d) => `"${d}>=1.0"`).join(', ')}]\n\n` +
      buildSystem;
    files[`packages/${p.name}/README.md`] = `# ${p.name}\n`;
    files[`packages/${p.name}/src/${p.module}/__init__.py`] =
      `"""${p.name}."""\n${p.deps.map((d) => `import ${d.replace(/-/g, '_')}\n`).join('')}VALUE = ${JSON.stringify(p.name)}\n`;
  }
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
}

// ---------------------------------------------------------------------------------------------

/** A table: first row the header, first column left-aligned, the others right-aligned. */
function printTable(rows) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  for (const [r, row] of rows.entries()) {
    console.log(row.map((cell = '', c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  '));
    if (r === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
}

/**
 * The environment every bench runs nx, uv and git in: isolatedEnv, a fixed git identity, the tools of
 * .tools first on PATH, Nx without daemon, cloud or TUI, uv offline with the wheelhouse. `uvCacheDir`
 * defaults to .tools/uv-cache.
 */
function benchEnv({ uvCacheDir } = {}) {
  return isolatedEnv({
    GIT_AUTHOR_NAME: 'nx-uv bench',
    GIT_AUTHOR_EMAIL: 'bench@nx-uv.invalid',
    GIT_COMMITTER_NAME: 'nx-uv bench',
    GIT_COMMITTER_EMAIL: 'bench@nx-uv.invalid',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    PATH: `${toolsBin}${path.delimiter}${isolatedEnv().PATH}`,
    NX_DAEMON: 'false',
    NX_NO_CLOUD: 'true',
    NX_TUI: 'false',
    CI: 'true',
    FORCE_COLOR: '0',
    UV_FIND_LINKS: path.join(toolsDir, 'wheels'),
    UV_OFFLINE: '1',
    UV_PYTHON_DOWNLOADS: 'never',
    UV_NO_PROGRESS: '1',
    UV_CACHE_DIR: uvCacheDir ?? path.join(toolsDir, 'uv-cache'),
  });
}

module.exports = {
  repoRoot,
  rootPackageJson,
  toolsDir,
  toolsBin,
  uvBin,
  pypiServerBin,
  now,
  median,
  prng,
  fmt,
  sleep,
  isolatedEnv,
  benchEnv,
  run,
  runAsync,
  installOffline,
  generatePackages,
  writeUvWorkspace,
  printTable,
};
