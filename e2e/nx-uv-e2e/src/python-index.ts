/**
 * The package index side of the release pipeline e2e: what the pypiserver holds and was asked,
 * what a built wheel declares, and a fresh venv that installs from the index and imports.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { toolsBin, uvBin, uvTestEnv } from '../../../packages/nx-uv/src/testing/tools';
import { run } from './harness';

/** File name → sha256 of every file the index serves (its package folder). */
export function indexContents(packagesDir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of fs.readdirSync(packagesDir).sort()) {
    const file = path.join(packagesDir, name);
    if (!fs.statSync(file).isFile()) continue;
    out[name] = crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
  }
  return out;
}

/** Upload requests in pypiserver's access log (`-v --log-file`): its `"POST / HTTP/1.1" 200 ...` lines. */
export function uploadRequests(logFile: string): string[] {
  const text = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '';
  return text.split('\n').filter((line) => /"POST [^"]* HTTP\/[\d.]+" \d{3}/.test(line));
}

const python = path.join(toolsBin, 'python');

/** The METADATA of a wheel (read with Python's zipfile; no unzip needed). */
export function wheelMetadata(wheel: string): string {
  const code = [
    'import sys, zipfile',
    'z = zipfile.ZipFile(sys.argv[1])',
    "names = [n for n in z.namelist() if n.endswith('.dist-info/METADATA')]",
    'assert len(names) == 1, names',
    "sys.stdout.write(z.read(names[0]).decode('utf-8'))",
  ].join('\n');
  return run(python, ['-c', code, wheel], path.dirname(wheel), uvTestEnv()).stdout;
}

/** `Requires-Dist` values of a METADATA text. */
export function requiresDist(metadata: string): string[] {
  return metadata
    .split('\n')
    .filter((line) => line.startsWith('Requires-Dist:'))
    .map((line) => line.slice('Requires-Dist:'.length).trim());
}

/**
 * A fresh venv in `dir` that installs `requirements` from the simple index only (nothing from the
 * offline wheelhouse, no uv cache), then runs `code` with its Python; returns stdout.
 */
export function installFromIndexAndRun(dir: string, simpleUrl: string, requirements: string[], code: string): string {
  const env = uvTestEnv({ UV_CACHE_DIR: path.join(dir, 'uv-cache') });
  delete env.UV_OFFLINE;
  delete env.UV_FIND_LINKS;
  const venv = path.join(dir, 'venv');
  run(uvBin, ['venv', '--quiet', venv], dir, env);
  const venvPython = path.join(venv, 'bin', 'python');
  run(uvBin, ['pip', 'install', '--quiet', '--python', venvPython, '--index-url', simpleUrl, '--no-cache', ...requirements], dir, env);
  return run(venvPython, ['-c', code], dir, env).stdout;
}
