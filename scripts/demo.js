#!/usr/bin/env node
// The README's main job: a demo release of a sample uv workspace to a local package index.
//
// 1. a fresh Nx workspace with the packed nx-uv plugin, holding a five-member uv workspace
// 2. the Nx graph nx-uv infers from it
// 3. a real pypiserver on 127.0.0.1 that requires a password
// 4. `nx run-many -t build` and `nx run-many -t publish` (dependency order, pinned internal deps)
// 5. a fresh venv that installs the top package from that index and imports everything
// 6. a second publish that uploads nothing
// Run with `npm run demo` (builds first). `--keep` keeps the temporary folder.
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const repo = path.resolve(__dirname, '..');
const tools = path.join(repo, '.tools');
const bin = path.join(tools, 'venv', 'bin');
const keep = process.argv.includes('--keep');
const started = Date.now();

const MEMBERS = {
  'acme-core': { deps: [], body: 'def greet(name):\n    return f"hello {name}"\n' },
  'acme-utils': { deps: ['acme-core>=0.1'], body: 'from acme_core import greet\n\ndef shout(name):\n    return greet(name).upper()\n' },
  'acme-models': { deps: ['acme-core>=0.1'], body: 'from acme_core import greet\n\nclass User:\n    def __init__(self, name):\n        self.name = name\n    def hello(self):\n        return greet(self.name)\n' },
  'acme-api': {
    deps: ['acme-models>=0.1', 'acme-utils[fast]>=0.1 ; python_version >= "3.9"'],
    body: 'from acme_models import User\nfrom acme_utils import shout\n\ndef handle(name):\n    return f"{User(name).hello()} / {shout(name)}"\n',
  },
  'acme-cli': {
    deps: ['acme-api>=0.1'],
    optional: { extras: ['acme-utils>=0.1'] },
    group: ['acme-models'],
    body: 'from acme_api import handle\n\ndef main():\n    return handle("nx-uv")\n',
  },
};

function say(step, text) {
  console.log(`\n\x1b[1m[${step}]\x1b[0m ${text}`);
}

function run(cmd, args, opts = {}) {
  const res = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...opts });
  if (res.error) throw new Error(`${cmd} ${args.join(' ')}: ${res.error.message}`);
  if (res.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} exited ${res.status}\n${res.stdout}\n${res.stderr}`);
  }
  return res.stdout;
}

function write(root, rel, text) {
  const file = path.join(root, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(url, auth, ms) {
  const until = Date.now() + ms;
  for (;;) {
    try {
      const res = await fetch(url, { headers: { authorization: auth } });
      if (res.ok) return;
    } catch {
      /* not up yet */
    }
    if (Date.now() > until) throw new Error(`pypiserver did not answer at ${url}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function moduleName(dist) {
  return dist.replace(/-/g, '_');
}

function sampleWorkspace(root) {
  const sources = Object.keys(MEMBERS).map((n) => `${n} = { workspace = true }`).join('\n');
  write(
    root,
    'pyproject.toml',
    `# A virtual uv workspace root: no [project], just the members.\n[tool.uv.workspace]\nmembers = ["packages/*"]\n\n[tool.uv.sources]\n${sources}\n`,
  );
  for (const [name, m] of Object.entries(MEMBERS)) {
    const deps = m.deps.map((d) => `    ${JSON.stringify(d)},`).join('\n');
    let text = `[project]\nname = "${name}"\nversion = "0.1.0"\ndescription = "nx-uv demo package ${name}"\nrequires-python = ">=3.9"\ndependencies = [\n${deps}\n]\n`;
    if (name === 'acme-utils') text += `\n[project.optional-dependencies]\nfast = []\n`;
    if (m.optional) {
      text += `\n[project.optional-dependencies]\n`;
      for (const [extra, list] of Object.entries(m.optional)) text += `${extra} = [${list.map((d) => JSON.stringify(d)).join(', ')}]\n`;
    }
    if (m.group) text += `\n[dependency-groups]\ndev = [${m.group.map((d) => JSON.stringify(d)).join(', ')}]\n`;
    text += `\n[build-system]\nrequires = ["uv_build>=0.13,<0.14"]\nbuild-backend = "uv_build"\n`;
    write(root, `packages/${name}/pyproject.toml`, text);
    write(root, `packages/${name}/src/${moduleName(name)}/__init__.py`, m.body);
    write(root, `packages/${name}/README.md`, `# ${name}\n`);
  }
}

async function main() {
  for (const need of [path.join(bin, 'uv'), path.join(bin, 'pypi-server'), path.join(repo, 'dist/packages/nx-uv/package.json')]) {
    if (!fs.existsSync(need)) throw new Error(`missing ${need}: run \`npm run demo\` (it installs the tools and builds first)`);
  }
  const tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'nx-uv-demo-')));
  const ws = path.join(tmp, 'workspace');
  fs.mkdirSync(ws);
  let server;
  const cleanup = () => {
    if (server && server.exitCode === null) server.kill('SIGTERM');
    if (!keep) fs.rmSync(tmp, { recursive: true, force: true });
  };
  process.once('SIGINT', () => {
    cleanup();
    process.exit(130);
  });

  const user = 'demo';
  const password = crypto.randomBytes(12).toString('hex');
  const git = {
    GIT_AUTHOR_NAME: 'nx-uv demo',
    GIT_AUTHOR_EMAIL: 'demo@example.invalid',
    GIT_COMMITTER_NAME: 'nx-uv demo',
    GIT_COMMITTER_EMAIL: 'demo@example.invalid',
    GIT_CONFIG_NOSYSTEM: '1',
  };
  const baseEnv = {
    ...process.env,
    ...git,
    PATH: `${bin}${path.delimiter}${process.env.PATH}`,
    NX_DAEMON: 'false',
    NX_NO_CLOUD: 'true',
    NX_TUI: 'false',
    UV_FIND_LINKS: path.join(tools, 'wheels'),
    UV_OFFLINE: '1',
    UV_PYTHON_DOWNLOADS: 'never',
    UV_NO_PROGRESS: '1',
    UV_CACHE_DIR: path.join(tmp, 'uv-cache'),
  };

  try {
    say(1, `A fresh Nx workspace with the packed plugin, in ${ws}`);
    const packed = run('npm', ['pack', path.join(repo, 'dist/packages/nx-uv'), '--pack-destination', tmp, '--silent'], { cwd: tmp }).trim().split('\n').pop();
    const rootPkg = require(path.join(repo, 'package.json'));
    write(
      ws,
      'package.json',
      JSON.stringify(
        {
          name: 'acme-python',
          private: true,
          devDependencies: {
            nx: rootPkg.devDependencies.nx,
            '@nx/devkit': rootPkg.devDependencies['@nx/devkit'],
            'nx-uv': `file:${path.join(tmp, packed)}`,
          },
          allowScripts: rootPkg.allowScripts,
        },
        null,
        2,
      ) + '\n',
    );
    write(ws, 'nx.json', JSON.stringify({ plugins: ['nx-uv'] }, null, 2) + '\n');
    write(ws, '.gitignore', 'node_modules/\n.nx/\ndist/\n.venv/\n.nx-uv/\n');
    run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: ws, env: baseEnv });
    console.log(`installed nx ${rootPkg.devDependencies.nx} and ${packed}`);

    say(2, 'A sample uv workspace: five members over three levels, with extras, markers and a dependency group');
    sampleWorkspace(ws);
    run('uv', ['lock', '--quiet'], { cwd: ws, env: baseEnv });
    run('git', ['init', '-q', '-b', 'main'], { cwd: ws, env: baseEnv });
    run('git', ['add', '-A'], { cwd: ws, env: baseEnv });
    run('git', ['commit', '-q', '-m', 'feat: first cut of the acme packages'], { cwd: ws, env: baseEnv });
    console.log(run('git', ['log', '--oneline'], { cwd: ws, env: baseEnv }).trim());

    say(3, 'The Nx graph nx-uv infers (no project.json anywhere)');
    const projects = JSON.parse(run('npx', ['nx', 'show', 'projects', '--json'], { cwd: ws, env: baseEnv }));
    console.log(`projects: ${projects.sort().join(', ')}`);
    run('npx', ['nx', 'graph', `--file=${path.join(tmp, 'graph.json')}`], { cwd: ws, env: baseEnv });
    const graph = JSON.parse(fs.readFileSync(path.join(tmp, 'graph.json'), 'utf8')).graph;
    for (const [from, edges] of Object.entries(graph.dependencies).sort()) {
      for (const e of edges) console.log(`  ${from} → ${e.target} (${e.type})`);
    }

    say(4, 'A real pypiserver on 127.0.0.1 that requires a password');
    const port = await freePort();
    const packages = path.join(tmp, 'index');
    fs.mkdirSync(packages);
    const htpasswd = path.join(tmp, 'htpasswd');
    fs.writeFileSync(htpasswd, `${user}:{SHA}${crypto.createHash('sha1').update(password).digest('base64')}\n`, { mode: 0o600 });
    server = spawn(
      path.join(bin, 'pypi-server'),
      ['run', '-i', '127.0.0.1', '-p', String(port), '-P', htpasswd, '-a', 'update', '--disable-fallback', '--server', 'wsgiref', '--log-stream', 'none', packages],
      { stdio: 'ignore' },
    );
    const index = `http://127.0.0.1:${port}`;
    const basic = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    await waitFor(`${index}/simple/`, basic, 20000);
    console.log(`index at ${index}/simple/ (credentials only in the environment)`);

    // Credentials reach nx-uv (and uv) through the environment only; never on a command line.
    const publishEnv = {
      ...baseEnv,
      UV_PUBLISH_URL: `${index}/`,
      UV_PUBLISH_CHECK_URL: `${index}/simple/`,
      UV_PUBLISH_USERNAME: user,
      UV_PUBLISH_PASSWORD: password,
    };

    // The version and tag steps (`nx run-many -t version`, `nx run-many -t tag`) slot in here
    // once their executors land; today the demo releases the versions as they are written.
    say(5, 'nx run-many -t build  (uv build with internal deps pinned, journalled, restored)');
    const buildOut = run('npx', ['nx', 'run-many', '-t', 'build', '--parallel=2'], { cwd: ws, env: publishEnv });
    console.log(buildOut.split('\n').filter((l) => /Successfully ran|nx run /.test(l)).join('\n'));
    const dirty = run('git', ['status', '--porcelain', '--', '*.toml'], { cwd: ws, env: baseEnv }).trim();
    if (dirty) throw new Error(`pins were left behind:\n${dirty}`);
    console.log('every pyproject.toml is byte-for-byte as committed');

    say(6, 'nx run-many -t publish  (dependency order; waits until the index serves each file)');
    const pubOut = run('npx', ['nx', 'run-many', '-t', 'publish', '--parallel=3'], { cwd: ws, env: publishEnv });
    console.log(pubOut.split('\n').filter((l) => /nx run .*:publish|Successfully ran/.test(l)).join('\n'));
    const listing = await (await fetch(`${index}/simple/`, { headers: { authorization: basic } })).text();
    const onIndex = [...listing.matchAll(/>([^<]+)<\/a>/g)].map((m) => m[1]).sort();
    console.log(`index now serves: ${onIndex.join(', ')}`);
    const files = fs.readdirSync(packages).sort();
    console.log(files.map((f) => `  ${f}`).join('\n'));
    const expected = Object.keys(MEMBERS).length * 2;
    if (files.length !== expected) throw new Error(`expected ${expected} files on the index, found ${files.length}`);

    say(7, 'Install acme-cli from that index into a fresh venv and import everything');
    const venv = path.join(tmp, 'venv');
    const installEnv = { ...baseEnv };
    delete installEnv.UV_OFFLINE;
    delete installEnv.UV_FIND_LINKS;
    run('uv', ['venv', '--quiet', venv], { cwd: tmp, env: installEnv });
    const authed = `http://${user}:${password}@127.0.0.1:${port}/simple/`;
    run('uv', ['pip', 'install', '--quiet', '--python', path.join(venv, 'bin/python'), '--index-url', authed, '--no-cache', 'acme-cli[extras]'], { cwd: tmp, env: installEnv });
    const check = [
      'import importlib.metadata as md',
      ...Object.keys(MEMBERS).map((n) => `import ${moduleName(n)}`),
      'print("acme_cli.main() ->", acme_cli.main())',
      `for n in ${JSON.stringify(Object.keys(MEMBERS))}:`,
      '    reqs = [r for r in (md.requires(n) or []) if r.startswith("acme")]',
      '    print(f"  {n} {md.version(n)}  requires {reqs}")',
      '    assert all("==" in r for r in reqs), f"{n} has an unpinned internal requirement: {reqs}"',
    ].join('\n');
    console.log(run(path.join(venv, 'bin/python'), ['-c', check], { cwd: tmp, env: installEnv }).trimEnd());

    say(8, 'Publish again: nothing new to upload');
    const again = run('npx', ['nx', 'run-many', '-t', 'publish', '--parallel=3'], { cwd: ws, env: publishEnv });
    const after = fs.readdirSync(packages).sort();
    if (JSON.stringify(after) !== JSON.stringify(files)) throw new Error('the second publish changed the index');
    const skipped = again.split('\n').filter((l) => /skip|already/i.test(l));
    console.log(skipped.slice(0, 5).join('\n') || 'no uploads');
    if (again.includes(password)) throw new Error('the password appeared in the output');

    say('done', `demo release finished in ${((Date.now() - started) / 1000).toFixed(1)} s${keep ? `; kept ${tmp}` : ''}`);
  } finally {
    cleanup();
  }
}

main().catch((error) => {
  console.error(`\n\x1b[31mdemo failed:\x1b[0m ${error.message}`);
  process.exit(1);
});
