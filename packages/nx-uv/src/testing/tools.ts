/**
 * Paths to the Python tools that scripts/python-tools.sh installs into .tools/, and the environment
 * that makes uv work offline against the local wheelhouse. Test-only.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const repoRoot = path.resolve(__dirname, '../../../..');
export const toolsDir = path.join(repoRoot, '.tools');
export const toolsBin = path.join(toolsDir, 'venv', 'bin');
export const uvBin = path.join(toolsBin, 'uv');
export const pypiServerBin = path.join(toolsBin, 'pypi-server');
export const wheelhouse = path.join(toolsDir, 'wheels');

/** Environment for running uv in tests: offline, build backends from the wheelhouse, a private cache. */
export function uvTestEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  if (!fs.existsSync(uvBin)) {
    throw new Error(`uv is not installed at ${uvBin}: run \`npm run python-tools\` first`);
  }
  return {
    ...process.env,
    PATH: `${toolsBin}${path.delimiter}${process.env.PATH ?? ''}`,
    UV_OFFLINE: '1',
    UV_FIND_LINKS: wheelhouse,
    UV_NO_PROGRESS: '1',
    UV_PYTHON_DOWNLOADS: 'never',
    UV_CACHE_DIR: path.join(toolsDir, 'uv-cache'),
    ...extra,
  };
}

/** A fresh temporary directory, removed by the returned function. */
export function makeTempDir(prefix = 'nx-uv-'): { dir: string; cleanup: () => void } {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Writes files (POSIX relative path → content) under dir. */
export function writeTree(dir: string, files: Record<string, string>): void {
  for (const [rel, content] of Object.entries(files)) {
    const full = path.join(dir, rel);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, content);
  }
}
