/** Test helper: builds a tiny real package (sdist + wheel) with `uv build`, offline, uv_build backend. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { sha256File } from '../sha256';
import type { LocalDistribution } from '../plan-uploads';
import { runUv } from '../../uv/run-uv';
import { uvTestEnv, writeTree } from '../../testing/tools';

export async function buildDists(root: string, spec: { name: string; version: string; marker?: string }): Promise<LocalDistribution[]> {
  const module = spec.name.toLowerCase().replace(/[-.]+/g, '_');
  const dir = path.join(root, `${module}-${spec.version}-${spec.marker ?? 'a'}`);
  writeTree(dir, {
    'pyproject.toml': [
      '[project]',
      `name = "${spec.name}"`,
      `version = "${spec.version}"`,
      'requires-python = ">=3.8"',
      '',
      '[build-system]',
      'requires = ["uv_build>=0.13,<0.14"]',
      'build-backend = "uv_build"',
      '',
      '[tool.uv.build-backend]',
      `module-name = "${module}"`,
      '',
    ].join('\n'),
    [`src/${module}/__init__.py`]: `MARKER = ${JSON.stringify(spec.marker ?? 'a')}\n`,
  });
  const out = path.join(dir, 'dist');
  await runUv(['build', '--out-dir', out], { cwd: dir, env: uvTestEnv() });
  const files = fs
    .readdirSync(out)
    .filter((f) => f.endsWith('.whl') || f.endsWith('.tar.gz'))
    .sort();
  if (files.length !== 2) throw new Error(`expected an sdist and a wheel in ${out}, got ${files.join(', ')}`);
  return Promise.all(
    files.map(async (filename) => {
      const p = path.join(out, filename);
      return { path: p, filename, sha256: await sha256File(p) };
    }),
  );
}
