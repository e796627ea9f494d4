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
}

function audit(file: string): Finding[] {
  try {
    return JSON.parse(
      execFileSync(path.join(toolsBin, 'zizmor'), ['--offline', '--format', 'json', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }),
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

  it.each<[string, WorkflowGeneratorSchema]>([
    ['default', {}],
    ['custom index', { target: 'custom' }],
    ['notify repositories', { notifyRepositories: ['acme/app'] }],
    ['testpypi, custom label and branch', { target: 'testpypi', releaseLabel: 'release: ready', branch: 'trunk' }],
  ])('%s: no finding of medium or high severity', async (label, options) => {
    const tree = uvTree();
    await workflowGenerator(tree, options);
    const file = path.join(tmp.dir, label.replace(/\W+/g, '-'), workflowPath(options.name ?? 'release-python'));
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, tree.read(workflowPath(options.name ?? 'release-python'), 'utf-8')!);
    const serious = audit(file).filter((f) => ['Medium', 'High'].includes(f.determinations.severity));
    expect(serious.map((f) => `${f.ident} (${f.determinations.severity})`)).toEqual([]);
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
