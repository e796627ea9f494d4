/**
 * Issue 14: the generated workflow audited by zizmor (the GitHub Actions security auditor, installed
 * by scripts/python-tools.sh), offline: no finding of medium or high severity, in each shape the
 * generator writes.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeTempDir, toolsBin } from '../../testing/tools';
import { uvTree } from './__fixtures__/trees';
import { workflowGenerator, workflowPath } from './generator';
import type { WorkflowGeneratorSchema } from './schema';

interface Finding {
  ident: string;
  determinations: { severity: string; confidence: string };
  locations: { symbolic: { route: { route: ({ Key: string } | { Index: number })[] } } }[];
}

function audit(file: string, ...flags: string[]): Finding[] {
  try {
    return JSON.parse(
      execFileSync(path.join(toolsBin, 'zizmor'), ['--offline', '--format', 'json', ...flags, file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }),
    );
  } catch (err) {
    // zizmor exits non-zero when it reports findings; its JSON is still on stdout.
    const stdout = (err as { stdout?: string }).stdout;
    if (stdout === undefined || stdout === '') throw err;
    return JSON.parse(stdout);
  }
}

describe('zizmor on the generated workflow', () => {
  const tmp = makeTempDir('nx-uv-zizmor-');
  afterAll(() => tmp.cleanup());

  async function generated(label: string, options: WorkflowGeneratorSchema): Promise<string> {
    const tree = uvTree();
    await workflowGenerator(tree, options);
    const file = path.join(tmp.dir, label.replace(/\W+/g, '-'), workflowPath(options.name ?? 'release-python'));
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, tree.read(workflowPath(options.name ?? 'release-python'), 'utf-8')!);
    return file;
  }
  const serious = (findings: Finding[]) => findings.filter((f) => ['Medium', 'High'].includes(f.determinations.severity));
  const described = (f: Finding) =>
    `${f.ident} (${f.determinations.severity}) at ${f.locations[0].symbolic.route.route.map((r) => ('Key' in r ? r.Key : r.Index)).join('.')}`;

  it.each<[string, WorkflowGeneratorSchema]>([
    ['default', {}],
    ['custom index', { target: 'custom' }],
    ['notify repositories', { notifyRepositories: ['acme/app'] }],
    ['testpypi, custom label and branch', { target: 'testpypi', releaseLabel: 'release: ready', branch: 'trunk' }],
    ['custom name and python', { name: 'ship-py', pythonVersion: '3.12' }],
  ])('%s: no finding of medium or high severity', async (label, options) => {
    const file = await generated(label, options);
    expect(serious(audit(file)).map(described)).toEqual([]);
  });

  it('accepts exactly one finding, by a comment on its line: the SLSA generator called by its release tag', async () => {
    const file = await generated('no-ignores', {});
    expect(serious(audit(file, '--no-ignores')).map(described)).toEqual(['unpinned-uses (High) at jobs.provenance']);
  });

  it('would catch a persisted credential (the check can fail)', () => {
    const file = path.join(tmp.dir, 'bad', '.github/workflows/bad.yml');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(
      file,
      'name: bad\non: push\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    permissions: { contents: read }\n    steps:\n      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1\n      - uses: actions/upload-artifact@bbbca2ddaa5d8feaa63e36b76fdaad77386f024f # v7.0.0\n        with: { name: x, path: . }\n',
    );
    expect(audit(file).map((f) => f.ident)).toContain('artipacked');
  });
});
