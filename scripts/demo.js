#!/usr/bin/env node
// The README's main job: a demo release of a sample uv workspace to a local package index.
//
//  1. a fresh Nx workspace with the packed nx-uv plugin
//  2. a five-member uv workspace released once (tags `{name}-v{version}`), then feat/fix/`!` commits,
//     with a local bare repository as `origin`
//  3. the Nx graph nx-uv infers from it
//  4. the release plan (`nx run uv-workspace:release-plan`)
//  5. `nx run-many -t version` (versions, changelogs, dependents' requirements, uv.lock), the release
//     commit, pushed
//  6. `nx run-many -t tag` against a local fake of the GitHub API: tags pushed, Releases created
//  7. a real pypiserver on 127.0.0.1 that requires a password
//  8. `nx run-many -t build` (internal deps pinned `==`, restored afterwards)
//  9. `nx run-many -t publish` (dependency order)
// 10. a fresh venv that installs the top package from that index, imports everything and checks the
//     new versions and their exact pins
// 11. a second publish that uploads nothing
// Run with `npm run demo` (builds first). `--keep` keeps the temporary folder.
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { registerTypeScript } = require('./ts-require');

const repo = path.resolve(__dirname, '..');
const tools = path.join(repo, '.tools');
const bin = path.join(tools, 'venv', 'bin');
const keep = process.argv.includes('--keep');
const started = Date.now();
const GITHUB_REPOSITORY = 'acme/acme-python';

// The sample as first released (`version`), and what the release below must make of it (`next`).
const MEMBERS = {
  'acme-core': { version: '1.0.0', next: '1.0.1', deps: [], body: 'def greet(name):\n    return f"hello {name}"\n' },
  'acme-utils': {
    version: '1.0.0',
    next: '1.1.0',
    deps: ['acme-core>=1.0'],
    extras: { fast: [] },
    body: 'from acme_core import greet\n\ndef shout(name):\n    return greet(name).upper()\n',
  },
  'acme-models': {
    version: '0.4.0',
    next: '0.4.1',
    deps: ['acme-core>=1.0'],
    body: 'from acme_core import greet\n\nclass User:\n    def __init__(self, name):\n        self.name = name\n    def hello(self):\n        return greet(self.name)\n',
  },
  'acme-api': {
    version: '1.0.0',
    next: '2.0.0',
    deps: ['acme-models>=0.4', 'acme-utils[fast]>=1.0 ; python_version >= "3.9"'],
    body: 'from acme_models import User\nfrom acme_utils import shout\n\ndef handle(name):\n    return f"{User(name).hello()} / {shout(name)}"\n',
  },
  'acme-cli': {
    version: '1.0.0',
    next: '1.0.1',
    deps: ['acme-api>=1.0,<2'],
    extras: { extras: ['acme-utils>=1.0'] },
    group: ['acme-models'],
    body: 'from acme_api import handle\n\ndef main():\n    return handle("nx-uv")\n',
  },
};

// Work after the first release, one Conventional Commit each, touching different members.
const CHANGES = [
  {
    message: 'fix(core): greet() ignores surrounding spaces',
    files: { 'packages/acme-core/src/acme_core/__init__.py': 'def greet(name):\n    return f"hello {name.strip()}"\n' },
  },
  {
    message: 'feat(utils): whisper()',
    files: {
      'packages/acme-utils/src/acme_utils/__init__.py':
        'from acme_core import greet\n\ndef shout(name):\n    return greet(name).upper()\n\ndef whisper(name):\n    return greet(name).lower()\n',
    },
  },
  {
    message: 'feat(api)!: handle() returns a dict\n\nBREAKING CHANGE: callers get {"hello": ..., "shout": ...} instead of a string.',
    files: {
      'packages/acme-api/src/acme_api/__init__.py':
        'from acme_models import User\nfrom acme_utils import shout\n\ndef handle(name):\n    return {"hello": User(name).hello(), "shout": shout(name)}\n',
    },
  },
  {
    message: 'docs(models): say what User is for',
    files: { 'packages/acme-models/README.md': '# acme-models\n\n`User` is who the acme packages greet.\n' },
  },
];

/** Each finished step and how long it took (printed as the next step starts, and at the end). */
const durations = [];
let current;

function say(step, text) {
  const now = Date.now();
  if (current) {
    const took = ((now - current.at) / 1000).toFixed(1);
    durations.push(`[${current.step}] ${took} s`);
    console.log(`\x1b[2m  (step ${current.step} took ${took} s)\x1b[0m`);
  }
  current = { step, at: now };
  console.log(`\n\x1b[1m[${step}]\x1b[0m ${text}`);
}

function indent(text, prefix = '  ') {
  return text
    .trimEnd()
    .split('\n')
    .map((l) => prefix + l)
    .join('\n');
}

function run(cmd, args, opts = {}) {
  const res = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...opts });
  if (res.error) throw new Error(`${cmd} ${args.join(' ')}: ${res.error.message}`);
  if (res.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} exited ${res.status}\n${res.stdout}\n${res.stderr}`);
  }
  return res.stdout;
}

/** Like `run`, without blocking the event loop (the fake GitHub in this process must keep answering). */
function runAsync(cmd, args, opts = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.once('error', (e) => reject(new Error(`${cmd} ${args.join(' ')}: ${e.message}`)));
    child.once('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}\n${out}\n${err}`))));
  });
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

/** Lines of nx output that say something: task headers and nx-uv's own lines. */
function nxLines(out, pattern) {
  return out
    .split('\n')
    .filter((l) => pattern.test(l))
    .join('\n');
}

function sampleWorkspace(root) {
  const sources = Object.keys(MEMBERS)
    .map((n) => `${n} = { workspace = true }`)
    .join('\n');
  write(
    root,
    'pyproject.toml',
    `# A virtual uv workspace root: no [project], just the members.\n[tool.uv.workspace]\nmembers = ["packages/*"]\n\n[tool.uv.sources]\n${sources}\n`,
  );
  for (const [name, m] of Object.entries(MEMBERS)) {
    const deps = m.deps.map((d) => `    ${JSON.stringify(d)},`).join('\n');
    let text = `[project]\nname = "${name}"\nversion = "${m.version}"\ndescription = "nx-uv demo package ${name}"\nreadme = "README.md"\nrequires-python = ">=3.9"\ndependencies = [\n${deps}\n]\n`;
    if (m.extras) {
      text += `\n[project.optional-dependencies]\n`;
      for (const [extra, list] of Object.entries(m.extras)) text += `${extra} = [${list.map((d) => JSON.stringify(d)).join(', ')}]\n`;
    }
    if (m.group) text += `\n[dependency-groups]\ndev = [${m.group.map((d) => JSON.stringify(d)).join(', ')}]\n`;
    text += `\n[build-system]\nrequires = ["uv_build>=0.13,<0.14"]\nbuild-backend = "uv_build"\n`;
    write(root, `packages/${name}/pyproject.toml`, text);
    write(root, `packages/${name}/src/${moduleName(name)}/__init__.py`, m.body);
    write(root, `packages/${name}/README.md`, `# ${name}\n`);
  }
}

/** `[project] version` of each member as it is on disk now. */
function versionsOnDisk(root) {
  return Object.fromEntries(
    Object.keys(MEMBERS).map((name) => {
      const text = fs.readFileSync(path.join(root, 'packages', name, 'pyproject.toml'), 'utf8');
      return [name, /^version = "([^"]+)"/m.exec(text)[1]];
    }),
  );
}

async function main() {
  for (const need of [path.join(bin, 'uv'), path.join(bin, 'pypi-server'), path.join(repo, 'dist/packages/nx-uv/package.json')]) {
    if (!fs.existsSync(need)) throw new Error(`missing ${need}: run \`npm run demo\` (it installs the tools and builds first)`);
  }
  const tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'nx-uv-demo-')));
  const ws = path.join(tmp, 'workspace');
  const origin = path.join(tmp, 'origin.git');
  fs.mkdirSync(ws);
  let server;
  let github;
  const cleanup = async () => {
    if (server && server.exitCode === null) server.kill('SIGTERM');
    if (github) await github.close().catch(() => undefined);
    if (!keep) fs.rmSync(tmp, { recursive: true, force: true });
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.once(signal, () => {
      if (server && server.exitCode === null) server.kill('SIGTERM');
      if (!keep) fs.rmSync(tmp, { recursive: true, force: true });
      process.exit(128 + os.constants.signals[signal]);
    });
  }

  const user = 'demo';
  const password = crypto.randomBytes(12).toString('hex');
  const githubToken = `demo-${crypto.randomBytes(8).toString('hex')}`;
  const gitIdentity = {
    GIT_AUTHOR_NAME: 'nx-uv demo',
    GIT_AUTHOR_EMAIL: 'demo@example.invalid',
    GIT_COMMITTER_NAME: 'nx-uv demo',
    GIT_COMMITTER_EMAIL: 'demo@example.invalid',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
  };
  const baseEnv = {
    ...process.env,
    ...gitIdentity,
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
  for (const k of [
    'GITHUB_TOKEN',
    'GH_TOKEN',
    'GITHUB_API_URL',
    'GITHUB_REPOSITORY',
    'UV_PUBLISH_TOKEN',
    'UV_PUBLISH_URL',
    'UV_PUBLISH_CHECK_URL',
    'UV_PUBLISH_USERNAME',
    'UV_PUBLISH_PASSWORD',
  ]) {
    delete baseEnv[k]; // nothing from the caller's shell reaches a real service
  }
  const git = (args) => run('git', args, { cwd: ws, env: baseEnv });
  const nx = (args, env = baseEnv) => run('npx', ['nx', ...args], { cwd: ws, env });
  const summary = [];

  try {
    say(1, `A fresh Nx workspace with the packed plugin, in ${ws}`);
    const packed = run('npm', ['pack', path.join(repo, 'dist/packages/nx-uv'), '--pack-destination', tmp, '--silent'], { cwd: tmp })
      .trim()
      .split('\n')
      .pop();
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
    summary.push(`Nx workspace with ${packed}`);

    say(2, 'A sample uv workspace (five members, three levels, extras, markers, a dependency group), released once, then worked on');
    sampleWorkspace(ws);
    run('uv', ['lock', '--quiet'], { cwd: ws, env: baseEnv });
    git(['init', '-q', '-b', 'main']);
    git(['add', '-A']);
    git(['commit', '-q', '-m', 'feat: first cut of the acme packages']);
    for (const [name, m] of Object.entries(MEMBERS)) git(['tag', '-a', '-m', `${name} ${m.version}`, `${name}-v${m.version}`]);
    run('git', ['init', '-q', '--bare', '-b', 'main', origin], { cwd: tmp, env: baseEnv });
    git(['remote', 'add', 'origin', origin]);
    git(['push', '-q', '--follow-tags', 'origin', 'main']);
    for (const change of CHANGES) {
      for (const [rel, text] of Object.entries(change.files)) write(ws, rel, text);
      git(['commit', '-q', '-am', change.message]);
    }
    git(['push', '-q', 'origin', 'main']);
    console.log(indent(git(['log', '--format=%h %s%d', '--decorate=short'])));
    console.log(`origin = ${origin} (a local bare repository)`);
    summary.push(
      `sample: 5 members released at ${Object.entries(MEMBERS)
        .map(([n, m]) => `${n} ${m.version}`)
        .join(', ')}; ${CHANGES.length} commits since`,
    );

    say(3, 'The Nx graph nx-uv infers (no project.json anywhere)');
    nx(['graph', `--file=${path.join(tmp, 'graph.json')}`]);
    const graph = JSON.parse(fs.readFileSync(path.join(tmp, 'graph.json'), 'utf8')).graph;
    console.log(`projects: ${Object.keys(graph.nodes).sort().join(', ')}`);
    for (const [from, edges] of Object.entries(graph.dependencies).sort()) {
      for (const e of edges) console.log(`  ${from} → ${e.target} (${e.type})`);
    }

    say(4, 'The release plan: nx run uv-workspace:release-plan  (writes nothing)');
    const planOut = nx(['run', 'uv-workspace:release-plan']);
    const planLines = planOut.split('\n');
    const from = planLines.findIndex((l) => /^package\s+last release/.test(l));
    const to = planLines.findIndex((l, i) => i > from && /NX\s+Successfully/.test(l));
    if (from < 0) throw new Error(`release-plan printed no plan:\n${planOut}`);
    console.log(indent(planLines.slice(from, to < 0 ? undefined : to).join('\n')));

    say(5, 'nx run-many -t version  (plan computed once, versions, CHANGELOG.md, dependents, uv lock)');
    const versionOut = nx(['run-many', '-t', 'version', '--parallel=2', '--output-style=static']);
    console.log(indent(nxLines(versionOut, /^nx-uv version: |^\s+(- |wrote: )/)));
    const released = versionsOnDisk(ws);
    for (const [name, m] of Object.entries(MEMBERS)) {
      if (released[name] !== m.next) throw new Error(`${name}: expected version ${m.next} after \`version\`, found ${released[name]}`);
    }
    const cliToml = fs.readFileSync(path.join(ws, 'packages/acme-cli/pyproject.toml'), 'utf8');
    console.log(`  packages/acme-cli/pyproject.toml now requires ${/"acme-api[^"]*"/.exec(cliToml)[0]}`);
    console.log(indent(git(['status', '--short']), '  changed: '));
    const releaseTitle = Object.keys(MEMBERS)
      .map((n) => `${n} ${released[n]}`)
      .join(', ');
    git(['add', '-A']);
    git(['commit', '-q', '-m', `chore(release): ${releaseTitle}`]);
    git(['push', '-q', 'origin', 'main']);
    console.log(`committed and pushed: ${git(['log', '-1', '--format=%h %s']).trim()}`);
    summary.push(
      `version: ${Object.keys(MEMBERS)
        .map((n) => `${n} ${MEMBERS[n].version} → ${released[n]}`)
        .join(', ')}; release commit pushed`,
    );

    say(6, 'nx run-many -t tag  (annotated tags pushed to origin, GitHub Releases on a local fake of the GitHub API)');
    registerTypeScript(path.join(repo, 'packages/nx-uv/src'));
    const { startFakeGitHub } = require(path.join(repo, 'packages/nx-uv/src/testing/github-fake'));
    // Requests are checked against GitHub's OpenAPI description (an invalid one fails the demo below).
    github = await startFakeGitHub({ repositories: [{ fullName: GITHUB_REPOSITORY, gitDir: origin }], token: githubToken, validateResponses: false });
    console.log(`fake GitHub API at ${github.url} (repository ${GITHUB_REPOSITORY}, backed by origin)`);
    const tagEnv = { ...baseEnv, GITHUB_API_URL: github.url, GITHUB_TOKEN: githubToken, GITHUB_REPOSITORY };
    const tagOut = await runAsync('npx', ['nx', 'run-many', '-t', 'tag', '--parallel=2', '--output-style=static'], { cwd: ws, env: tagEnv });
    if (tagOut.includes(githubToken)) throw new Error('the GitHub token appeared in the output of `tag`');
    github.assertNoErrors();
    const remoteTags = run(
      'git',
      ['--git-dir', origin, 'for-each-ref', '--sort=refname', '--format=%(refname:short) %(objecttype) → %(*objectname:short)', 'refs/tags'],
      {
        env: baseEnv,
      },
    );
    console.log('tags on origin:');
    console.log(indent(remoteTags));
    const releases = github.releases(GITHUB_REPOSITORY);
    console.log('GitHub Releases:');
    for (const r of releases) {
      const firstLine = r.body.split('\n').find((l) => /^- /.test(l)) ?? r.body.split('\n')[0];
      console.log(`  ${r.tagName}  "${r.name}"${r.prerelease ? ' (prerelease)' : ''}  ${firstLine.trim()}`);
    }
    const wantedTags = Object.keys(MEMBERS).map((n) => `${n}-v${released[n]}`);
    const missingTags = wantedTags.filter((t) => !remoteTags.includes(`${t} tag`));
    if (missingTags.length > 0) throw new Error(`tags missing on origin: ${missingTags.join(', ')}`);
    const missingReleases = wantedTags.filter((t) => !releases.some((r) => r.tagName === t));
    if (missingReleases.length > 0) throw new Error(`GitHub Releases missing: ${missingReleases.join(', ')}`);
    summary.push(`tag: ${wantedTags.length} tags pushed to origin, ${releases.length} GitHub Releases created`);

    say(7, 'A real pypiserver on 127.0.0.1 that requires a password');
    const port = await freePort();
    const packages = path.join(tmp, 'index');
    fs.mkdirSync(packages);
    const htpasswd = path.join(tmp, 'htpasswd');
    fs.writeFileSync(htpasswd, `${user}:{SHA}${crypto.createHash('sha1').update(password).digest('base64')}\n`, { mode: 0o600 });
    server = spawn(
      path.join(bin, 'pypi-server'),
      [
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
        '--log-stream',
        'none',
        packages,
      ],
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

    say(8, 'nx run-many -t build  (uv build with internal deps pinned, journalled, restored)');
    const buildOut = nx(['run-many', '-t', 'build', '--parallel=2'], publishEnv);
    console.log(nxLines(buildOut, /Successfully ran|nx run /));
    const dirty = git(['status', '--porcelain']).trim();
    if (dirty) throw new Error(`the build left changes behind:\n${dirty}`);
    console.log('every pyproject.toml is byte-for-byte as committed');
    summary.push('build: 5 wheels + 5 sdists, pins restored');

    say(9, 'nx run-many -t publish  (dependency order; waits until the index serves each file)');
    const pubOut = nx(['run-many', '-t', 'publish', '--parallel=3'], publishEnv);
    console.log(nxLines(pubOut, /nx run .*:publish|Successfully ran/));
    const listing = await (await fetch(`${index}/simple/`, { headers: { authorization: basic } })).text();
    const onIndex = [...listing.matchAll(/>([^<]+)<\/a>/g)].map((m) => m[1]).sort();
    console.log(`index now serves: ${onIndex.join(', ')}`);
    const files = fs.readdirSync(packages).sort();
    console.log(files.map((f) => `  ${f}`).join('\n'));
    const expectedFiles = Object.keys(MEMBERS)
      .flatMap((n) => [`${moduleName(n)}-${released[n]}-py3-none-any.whl`, `${moduleName(n)}-${released[n]}.tar.gz`])
      .sort();
    if (JSON.stringify(files) !== JSON.stringify(expectedFiles)) throw new Error(`the index holds ${files.join(', ')}; expected ${expectedFiles.join(', ')}`);
    summary.push(`publish: ${files.length} files of the new versions on the index`);

    say(10, 'Install acme-cli from that index into a fresh venv, import everything, check versions and pins');
    const venv = path.join(tmp, 'venv');
    const installEnv = { ...baseEnv };
    delete installEnv.UV_OFFLINE;
    delete installEnv.UV_FIND_LINKS;
    run('uv', ['venv', '--quiet', venv], { cwd: tmp, env: installEnv });
    const authed = `http://${user}:${password}@127.0.0.1:${port}/simple/`;
    run('uv', ['pip', 'install', '--quiet', '--python', path.join(venv, 'bin/python'), '--index-url', authed, '--no-cache', 'acme-cli[extras]'], {
      cwd: tmp,
      env: installEnv,
    });
    const check = [
      'import importlib.metadata as md, re, sys',
      ...Object.keys(MEMBERS).map((n) => `import ${moduleName(n)}`),
      'print("acme_cli.main() ->", acme_cli.main())',
      `expected = ${JSON.stringify(released)}`,
      'for n, v in expected.items():',
      '    assert md.version(n) == v, f"{n}: installed {md.version(n)}, released {v}"',
      '    pins = {}',
      '    for r in md.requires(n) or []:',
      '        m = re.match(r"(acme-[a-z]+)(\\[[^\\]]*\\])?\\s*([^;]*)", r)',
      '        if not m: continue',
      '        assert m.group(3).strip() == "==" + expected[m.group(1)], f"{n} requires {r!r}; expected =={expected[m.group(1)]}"',
      '        pins[m.group(1)] = m.group(3).strip()',
      '    print(f"  {n} {md.version(n)}  pins {pins or \'nothing internal\'}")',
    ].join('\n');
    console.log(run(path.join(venv, 'bin/python'), ['-c', check], { cwd: tmp, env: installEnv }).trimEnd());
    console.log('every package is installed at its new version; every internal requirement pins the new version of its dependency');
    summary.push('install: acme-cli[extras] and its deps at the new versions, Requires-Dist pinned ==new');

    say(11, 'Publish again: nothing new to upload');
    const again = nx(['run-many', '-t', 'publish', '--parallel=3', '--output-style=static'], publishEnv);
    const after = fs.readdirSync(packages).sort();
    if (JSON.stringify(after) !== JSON.stringify(files)) throw new Error('the second publish changed the index');
    const skipped = nxLines(again, /^nx-uv publish: .*nothing to upload/);
    if (skipped.split('\n').filter(Boolean).length !== Object.keys(MEMBERS).length) throw new Error(`the second publish did not skip every package:\n${again}`);
    console.log(indent(skipped.replace(/; http:.*$/gm, '')));
    for (const out of [planOut, versionOut, tagOut, buildOut, pubOut, again]) {
      if (out.includes(password) || out.includes(githubToken)) throw new Error('a secret appeared in the output');
    }
    summary.push('publish again: nothing uploaded');

    say('done', `demo release finished in ${((Date.now() - started) / 1000).toFixed(1)} s${keep ? `; kept ${tmp}` : ''}`);
    console.log(summary.map((s) => `  - ${s}`).join('\n'));
    console.log(`  step durations: ${durations.join(', ')}`);
  } finally {
    await cleanup();
  }
}

main().catch((error) => {
  console.error(`\n\x1b[31mdemo failed:\x1b[0m ${error.message}`);
  process.exit(1);
});
