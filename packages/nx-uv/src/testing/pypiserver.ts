/**
 * Starts the real pypiserver (installed by scripts/python-tools.sh into .tools/) on 127.0.0.1 for tests.
 *
 * - Port: a free port is found by listening on port 0 and closing; if pypiserver still cannot bind it
 *   (another process took it in between) the start is retried on a new port.
 * - Packages live in a fresh temporary directory; `stop()` kills the server and removes it.
 * - Auth: with `auth`, an htpasswd file is written with a `{SHA}` (base64 SHA-1) entry, a scheme
 *   passlib's HtpasswdFile accepts ("ldap_sha1"), and uploads are protected (`-P <file> -a update`);
 *   listing and downloads stay open. Without `auth`, `-P . -a .` (no authentication at all).
 *   A token upload (`__token__` + token as password) works by giving `{ username: '__token__', password: token }`.
 * - `--disable-fallback`: an unknown project answers 404 instead of a redirect to pypi.org.
 * - The log (`-v --log-file`) is kept at `logFile`; startup failures include its tail.
 * - pypiserver refuses to re-upload an existing file with 409 Conflict (400 for twine's User-Agent)
 *   unless `overwrite` is set (`--overwrite`).
 *
 * Test-only.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { makeTempDir, pypiServerBin } from './tools';

export interface PypiServerOptions {
  auth?: { username: string; password: string };
  /** Allow re-uploading an existing file (`--overwrite`). Default false. */
  overwrite?: boolean;
  /** Milliseconds to wait for `/simple/` to answer. Default 20000. */
  startTimeoutMs?: number;
  /** Port picker (tests of the retry); default findFreePort. */
  findPort?: () => Promise<number>;
}

export interface PypiServer {
  /** Upload URL (the server root), e.g. `http://127.0.0.1:40123/`. */
  url: string;
  /** Simple index base, e.g. `http://127.0.0.1:40123/simple/`. */
  simpleUrl: string;
  port: number;
  /** Every port tried, the last one being `port` (earlier ones were taken). */
  attemptedPorts: number[];
  packagesDir: string;
  logFile: string;
  stop(): Promise<void>;
}

/** An htpasswd line passlib accepts: `user:{SHA}base64(sha1(password))`. */
export function htpasswdLine(username: string, password: string): string {
  if (username.includes(':')) throw new Error(`htpasswd user name must not contain ':' (got ${JSON.stringify(username)})`);
  return `${username}:{SHA}${createHash('sha1').update(password, 'utf8').digest('base64')}\n`;
}

/** A port that was free a moment ago (listen on 0, read it, close). */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function tail(file: string, lines = 30): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

function killAndWait(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const force = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export async function startPypiServer(options: PypiServerOptions = {}): Promise<PypiServer> {
  if (!fs.existsSync(pypiServerBin)) {
    throw new Error(`pypiserver is not installed at ${pypiServerBin}: run \`npm run python-tools\` first`);
  }
  const tmp = makeTempDir('nx-uv-pypiserver-');
  const packagesDir = path.join(tmp.dir, 'packages');
  fs.mkdirSync(packagesDir);
  const logFile = path.join(tmp.dir, 'pypiserver.log');
  const authArgs: string[] = [];
  if (options.auth) {
    const htpasswd = path.join(tmp.dir, 'htpasswd');
    fs.writeFileSync(htpasswd, htpasswdLine(options.auth.username, options.auth.password), { mode: 0o600 });
    authArgs.push('-P', htpasswd, '-a', 'update');
  } else {
    authArgs.push('-P', '.', '-a', '.');
  }
  const timeoutMs = options.startTimeoutMs ?? 20000;

  let lastFailure = '';
  const attempts: number[] = [];
  for (let attempt = 1; attempt <= 5; attempt++) {
    const port = await (options.findPort ?? findFreePort)();
    const args = [
      'run',
      '-i',
      '127.0.0.1',
      '-p',
      String(port),
      ...authArgs,
      '--disable-fallback',
      '--server',
      'wsgiref',
      ...(options.overwrite ? ['--overwrite'] : []),
      '-v',
      '--log-file',
      logFile,
      '--log-stream',
      'none',
      packagesDir,
    ];
    const child = spawn(pypiServerBin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.once('error', (err) => (stderr += `\nspawn error: ${err.message}`));

    const simpleUrl = `http://127.0.0.1:${port}/simple/`;
    const deadline = Date.now() + timeoutMs;
    let up = false;
    let dead = false;
    void exited.then(() => (dead = true));
    while (!dead && Date.now() < deadline) {
      try {
        const res = await fetch(simpleUrl, { signal: AbortSignal.timeout(1000) });
        const body = await res.text();
        if (dead) break; // whoever answered, it is not our server
        if (res.status === 200 && body.includes('Simple Index')) {
          up = true;
          break;
        }
      } catch {
        // not listening yet
      }
      await sleep(50);
    }
    if (up) {
      return {
        attemptedPorts: [...attempts, port],
        url: `http://127.0.0.1:${port}/`,
        simpleUrl,
        port,
        packagesDir,
        logFile,
        stop: async () => {
          await killAndWait(child);
          tmp.cleanup();
        },
      };
    }
    await killAndWait(child);
    attempts.push(port);
    lastFailure = `${stderr.trim()}\n${tail(logFile)}`;
    if (!/address already in use|errno 98/i.test(lastFailure)) break;
  }
  tmp.cleanup();
  throw new Error(`pypiserver did not start on 127.0.0.1 within ${timeoutMs} ms:\n${lastFailure}`);
}
