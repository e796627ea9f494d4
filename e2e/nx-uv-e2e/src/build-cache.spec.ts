/**
 * The build cache names the toolchain: an unchanged build is served from Nx's cache, a build made by
 * another uv is not (`uv --version` says something else, or NX_UV_UV_PATH names another uv).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeTempDir, uvBin, uvTestEnv } from '../../../packages/nx-uv/src/testing/tools';
import { createNxWorkspace, gitEnv, type NxWorkspace } from './harness';
import { uvWorkspaceFiles } from './fixtures/uv-workspace';

let ws: NxWorkspace;
let shims: { dir: string; cleanup: () => void };

beforeAll(() => {
  ws = createNxWorkspace({ files: uvWorkspaceFiles, uvLock: true });
  shims = makeTempDir('nx-uv-e2e-uv-');
});

afterAll(() => {
  ws?.cleanup();
  shims?.cleanup();
});

/** A `uv` first on PATH that reports `version` and hands everything else to the real uv. */
function uvOnPath(version: string): void {
  fs.writeFileSync(path.join(shims.dir, 'uv'), `#!/bin/sh\nif [ "$1" = "--version" ]; then echo "uv ${version}"; exit 0; fi\nexec "${uvBin}" "$@"\n`, { mode: 0o755 });
}

/** `nx run core-lib:build`; true when Nx served it from its cache. */
function build(extra: NodeJS.ProcessEnv = {}): boolean {
  const env: NodeJS.ProcessEnv = { ...gitEnv, PATH: `${shims.dir}${path.delimiter}${process.env.PATH ?? ''}`, ...extra };
  for (const [key, value] of Object.entries(uvTestEnv())) if (key.startsWith('UV_')) env[key] = value;
  const { stdout } = ws.runNx(['run', 'core-lib:build', '--outputStyle=static'], env);
  expect(stdout).toMatch(/Successfully ran target build/);
  return /from the cache|local cache/.test(stdout);
}

it('serves an unchanged build from the cache, and rebuilds with another uv', () => {
  uvOnPath('0.13.9 (one)');
  expect(build()).toBe(false);
  expect(build()).toBe(true);
  uvOnPath('0.13.9 (two)');
  expect(build()).toBe(false);
  expect(build()).toBe(true);
  // NX_UV_UV_PATH names the uv the executor runs: another value is another toolchain.
  expect(build({ NX_UV_UV_PATH: path.join(shims.dir, 'uv') })).toBe(false);
  expect(build({ NX_UV_UV_PATH: path.join(shims.dir, 'uv') })).toBe(true);
  expect(fs.readdirSync(path.join(ws.root, 'packages/core/dist')).filter((n) => n.endsWith('.whl'))).toHaveLength(1);
});
