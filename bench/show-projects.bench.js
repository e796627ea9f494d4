#!/usr/bin/env node
// `nx show projects` on a 1,000-member uv workspace (not a test): with nx-uv inferring every project,
// against the same projects written out by hand as project.json files (no plugin), measured in the
// same run. Issue 15's bar: within 1.1x.
//
//   npm run bench:show-projects                 # = npm run build && node bench/show-projects.bench.js
//   node bench/show-projects.bench.js [--levels=50] [--width=20] [--repeat=5] [--keep]
//
// Setup (not measured): one Nx workspace with the packed plugin installed offline, the uv workspace
// of lib.js generatePackages (levels × width members), committed to git. The project.json copy is
// the same tree with nx.json listing no plugin and, in every project's folder, the configuration Nx
// reports for it with nx-uv (`nx graph --file`: name, root, tags, targets, metadata), its edges
// written as implicitDependencies; both copies share one node_modules.
// Measured, alternating between the copies, --repeat times each: `nx show projects` after removing
// .nx/workspace-data (cold: Nx builds the graph) and right after (warm: Nx reuses its cache), and the
// nx-uv copy once more with NX_ISOLATE_PLUGINS=false (the plugin in Nx's own process, not a worker).
// Every run must list the same projects, and both graphs must hold the same edges. Medians.
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { repoRoot, now, median, fmt, isolatedEnv, benchEnv, run, installOffline, generatePackages, writeUvWorkspace, printTable } = require('./lib');

function parseArgs(argv) {
  const args = { levels: 50, width: 20, repeat: 5, keep: false };
  for (const arg of argv) {
    const [key, value] = arg.replace(/^--/, '').split('=');
    if (key === 'keep') args.keep = true;
    else if (key in args && /^\d+$/.test(value ?? '')) args[key] = Number(value);
    else throw new Error(`unknown or bad argument ${arg}`);
  }
  return args;
}

/** Nx's graph of `ws` as `nx graph --file` writes it. */
function graphOf(ws, env) {
  const file = path.join(ws, '.bench-graph.json');
  run(path.join(ws, 'node_modules', '.bin', 'nx'), ['graph', `--file=${file}`], ws, env);
  const graph = JSON.parse(fs.readFileSync(file, 'utf8')).graph;
  fs.rmSync(file);
  return graph;
}

/** Sorted `source -> target` lines of the graph's edges between its own projects. */
function edgeLines(graph) {
  const lines = [];
  for (const [source, deps] of Object.entries(graph.dependencies)) {
    for (const d of deps) if (graph.nodes[d.target]) lines.push(`${source} -> ${d.target}`);
  }
  return lines.sort();
}

/** Writes the projects of `graph` as project.json files under `ws` (edges as implicitDependencies). */
function writeProjectJsons(ws, graph) {
  for (const [name, node] of Object.entries(graph.nodes)) {
    const data = node.data;
    const implicitDependencies = (graph.dependencies[name] ?? []).filter((d) => graph.nodes[d.target]).map((d) => d.target);
    const config = { name, root: data.root, projectType: data.projectType, tags: data.tags ?? [], implicitDependencies, targets: data.targets ?? {} };
    if (data.metadata) config.metadata = data.metadata;
    fs.writeFileSync(path.join(ws, data.root, 'project.json'), JSON.stringify(config, null, 2) + '\n');
  }
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const distDir = path.join(repoRoot, 'dist', 'packages', 'nx-uv');
  if (!fs.existsSync(path.join(distDir, 'src', 'index.js'))) throw new Error(`${distDir} holds no built plugin: run \`npm run build\` first`);
  const tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'nx-uv-bench-show-')));
  try {
    const env = benchEnv({});
    const inferred = path.join(tmp, 'inferred');
    const written = path.join(tmp, 'project-json');
    fs.mkdirSync(inferred);
    const packed = JSON.parse(run('npm', ['pack', distDir, '--pack-destination', tmp, '--json'], tmp, isolatedEnv()).stdout)[0].filename;
    installOffline(inferred, path.join(tmp, packed), 'nx-uv-bench-show-projects');
    const packages = generatePackages(args.levels, args.width);
    writeUvWorkspace(inferred, packages);
    const git = (ws, gitArgs) => run('git', gitArgs, ws, env);
    git(inferred, ['init', '-q', '-b', 'main']);
    git(inferred, ['add', '-A']);
    git(inferred, ['commit', '-q', '--no-verify', '-m', 'the benchmark packages']);

    const graph = graphOf(inferred, env);
    const projects = Object.keys(graph.nodes).sort();
    fs.cpSync(inferred, written, {
      recursive: true,
      filter: (src) => !src.startsWith(path.join(inferred, 'node_modules')) && !src.startsWith(path.join(inferred, '.nx')),
    });
    fs.symlinkSync(path.join(inferred, 'node_modules'), path.join(written, 'node_modules'));
    fs.writeFileSync(path.join(written, 'nx.json'), JSON.stringify({ $schema: './node_modules/nx/schemas/nx-schema.json' }, null, 2) + '\n');
    writeProjectJsons(written, graph);
    git(written, ['add', '-A']);
    git(written, ['commit', '-q', '--no-verify', '-m', 'the same projects as project.json files']);
    const writtenGraph = graphOf(written, env);
    if (JSON.stringify(Object.keys(writtenGraph.nodes).sort()) !== JSON.stringify(projects)) throw new Error('the project.json copy lists other projects');
    if (JSON.stringify(edgeLines(writtenGraph)) !== JSON.stringify(edgeLines(graph))) throw new Error('the project.json copy has other edges');
    console.log(`setup: ${packages.length} uv members, ${projects.length} Nx projects, ${edgeLines(graph).length} edges; under ${tmp}`);

    const showProjects = (ws, runEnv = env) => {
      const t = now();
      const out = run(path.join(ws, 'node_modules', '.bin', 'nx'), ['show', 'projects', '--json'], ws, runEnv).stdout;
      const ms = now() - t;
      if (JSON.stringify(JSON.parse(out).sort()) !== JSON.stringify(projects)) throw new Error(`nx show projects in ${ws} listed other projects`);
      return ms;
    };
    // Nx runs every plugin but its own in a worker process of its own (plugin isolation); the third
    // variant runs nx-uv in Nx's process, to show what that worker costs.
    const sameProcessEnv = { ...env, NX_ISOLATE_PLUGINS: 'false' };
    const variants = [
      ['inferred', inferred, env],
      ['written', written, env],
      ['sameProcess', inferred, sameProcessEnv],
    ];
    const times = Object.fromEntries(variants.map(([key]) => [key, { cold: [], warm: [] }]));
    for (let round = 0; round < args.repeat; round++) {
      for (const [key, ws, runEnv] of variants) {
        fs.rmSync(path.join(ws, '.nx', 'workspace-data'), { recursive: true, force: true });
        times[key].cold.push(showProjects(ws, runEnv));
        times[key].warm.push(showProjects(ws, runEnv));
      }
    }
    const row = (label, kind, key) => {
      const a = median(times[key][kind]);
      const b = median(times.written[kind]);
      return [label, fmt(a), fmt(b), `${(a / b).toFixed(2)}x`, '≤ 1.1x', a / b <= 1.1 ? 'met' : 'MISSED'];
    };
    console.log();
    printTable([
      ['nx show projects (medians of ' + args.repeat + ')', 'nx-uv', 'project.json', 'ratio', 'target', 'verdict'],
      row('cold (no .nx/workspace-data)', 'cold', 'inferred'),
      row('warm (graph cached)', 'warm', 'inferred'),
      row('cold, NX_ISOLATE_PLUGINS=false', 'cold', 'sameProcess'),
      row('warm, NX_ISOLATE_PLUGINS=false', 'warm', 'sameProcess'),
    ]);
    console.log(
      `\nnode ${process.version}, nx ${JSON.parse(fs.readFileSync(path.join(inferred, 'node_modules', 'nx', 'package.json'), 'utf8')).version}, ${os.cpus().length}× ${os.cpus()[0]?.model ?? 'CPU'}`,
    );
  } finally {
    if (!args.keep) fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
