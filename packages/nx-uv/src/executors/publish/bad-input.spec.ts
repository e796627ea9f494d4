/**
 * Issue 4, bad input through the publish executor (real uv, real pypiserver on loopback):
 * - a member with unbuildable metadata: a clear error, nothing uploaded, uv never run;
 * - a secret given in the environment (UV_PUBLISH_TOKEN, UV_PUBLISH_PASSWORD) never shows: not in
 *   anything logged (Nx logger, console, process.stdout/stderr, verbose uv output, error messages) and
 *   not in the command line of any process on the machine while `uv publish` runs. uv is started
 *   through a shim (NX_UV_UV_PATH) that records its argv, proves the secret arrived in its environment
 *   (by hash), starts the real uv, freezes it once it runs, reads /proc/<every pid>/cmdline, and lets
 *   it go on.
 */
import { logger } from '@nx/devkit';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { listDistributionFiles } from '../../registry';
import { startPypiServer, type PypiServer } from '../../testing/pypiserver';
import { makeTempDir, toolsDir, uvBin, uvTestEnv } from '../../testing/tools';
import { runBuildExecutor } from '../build/executor';
import {
  buildWorkspaceDists,
  PUBLISH_ENV_KEYS,
  captureOutput,
  EXPECTED_FILES,
  executorContext,
  memberPyproject,
  PROJECTS,
  writePublishWorkspace,
  type OutputCapture,
} from './__fixtures__/publish-workspace';
import { runPublishExecutor } from './executor';

const TOKEN = 'pypi-AgEIcHlwaS5vcmcCJGJhZC1pbnB1dC1zcGVj-Secret-7Kq';
const USER = 'alice';
const PASSWORD = 'hunter2-Correct-Horse-9Zx';
const WRONG_PASSWORD = 'not-the-password-Qm4';
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
/** Every form a secret could leak in: as is, URL-encoded, and inside a Basic credential. */
const leakForms = (secret: string, user: string) => [
  secret,
  encodeURIComponent(secret),
  Buffer.from(`${user}:${secret}`).toString('base64'),
  Buffer.from(secret).toString('base64'),
];

const CLEARED = PUBLISH_ENV_KEYS;

interface ShimCall {
  argv: string[];
  uvEnvNames: string[];
  tokenSha: string;
  passwordSha: string;
  /** Command lines of every process while the real uv ran (frozen). */
  processes: string[];
}

/** A uv shim as described at the top; its records go to `<dir>/calls`. */
function spyingUv(dir: string): { path: string; calls(): ShimCall[]; reset(): void } {
  const calls = path.join(dir, 'calls');
  fs.mkdirSync(calls, { recursive: true });
  const file = path.join(dir, 'uv-shim');
  fs.writeFileSync(
    file,
    [
      '#!/bin/sh',
      `log="${calls}/$(date +%s%N)-$$"`,
      'for a in "$@"; do printf "%s\\n" "$a"; done > "$log.argv"',
      'env | sed -n "s/^\\(UV_[A-Z_]*\\)=.*/\\1/p" | sort > "$log.env"',
      'printf %s "${UV_PUBLISH_TOKEN:-}" | sha256sum | cut -c1-64 > "$log.token"',
      'printf %s "${UV_PUBLISH_PASSWORD:-}" | sha256sum | cut -c1-64 > "$log.password"',
      `"${uvBin}" "$@" &`,
      'pid=$!',
      'i=0',
      `while [ "$(readlink /proc/$pid/exe 2>/dev/null)" != "${fs.realpathSync(uvBin)}" ] && [ $i -lt 5000 ]; do i=$((i+1)); done`,
      'kill -STOP $pid 2>/dev/null',
      'for f in /proc/[0-9]*/cmdline; do tr "\\000" " " < "$f" 2>/dev/null; echo; done > "$log.ps"',
      'kill -CONT $pid 2>/dev/null',
      'wait $pid',
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
  const read = (p: string) => fs.readFileSync(p, 'utf8');
  return {
    path: file,
    calls: () =>
      fs
        .readdirSync(calls)
        .filter((f) => f.endsWith('.argv'))
        .sort()
        .map((f) => {
          const base = path.join(calls, f.slice(0, -'.argv'.length));
          const lines = (p: string) =>
            read(p)
              .split('\n')
              .filter((l) => l.trim() !== '');
          return {
            argv: lines(`${base}.argv`),
            uvEnvNames: lines(`${base}.env`),
            tokenSha: read(`${base}.token`).trim(),
            passwordSha: read(`${base}.password`).trim(),
            processes: fs.existsSync(`${base}.ps`) ? lines(`${base}.ps`) : [],
          };
        }),
    reset: () => fs.readdirSync(calls).forEach((f) => fs.rmSync(path.join(calls, f))),
  };
}

describe('publish executor, bad input (real uv, real pypiserver)', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let root: string;
  let server: PypiServer;
  let shim: ReturnType<typeof spyingUv>;
  let out: OutputCapture;
  let written: string[];
  const writeSpies: jest.SpyInstance[] = [];
  const savedEnv: Record<string, string | undefined> = {};

  const stored = () => fs.readdirSync(server.packagesDir).sort();
  const everythingPrinted = () => `${out.text()}\n${written.join('')}`;

  beforeAll(async () => {
    for (const k of [...CLEARED, 'UV_CACHE_DIR']) savedEnv[k] = process.env[k];
    for (const k of CLEARED) delete process.env[k];
    tmp = makeTempDir('nx-uv-publish-bad-');
    root = path.join(tmp.dir, 'ws');
    writePublishWorkspace(root);
    // Uploads need a token (__token__) or alice's password.
    const started = startPypiServer({ auth: { username: '__token__', password: TOKEN } });
    await buildWorkspaceDists(root);
    server = await started;
    shim = spyingUv(tmp.dir);
    process.env.UV_CACHE_DIR = path.join(toolsDir, 'uv-cache');
  }, 30000);
  afterAll(async () => {
    for (const [k, v] of Object.entries(savedEnv)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await server?.stop();
    tmp?.cleanup();
  });
  beforeEach(() => {
    out = captureOutput(logger as unknown as Record<string, unknown>);
    written = [];
    for (const stream of [process.stdout, process.stderr]) {
      const original = stream.write.bind(stream);
      writeSpies.push(
        jest.spyOn(stream, 'write').mockImplementation(((chunk: string | Uint8Array, ...rest: unknown[]) => {
          written.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
          return (original as (...a: unknown[]) => boolean)(chunk, ...rest);
        }) as typeof stream.write),
      );
    }
    shim.reset();
  });
  afterEach(() => {
    out.restore();
    writeSpies.splice(0).forEach((s) => s.mockRestore());
  });

  /** The environment of a run: the index, the shim as uv, and the given credentials, nothing else. */
  const envWith = (credentials: NodeJS.ProcessEnv): NodeJS.ProcessEnv => {
    const env = uvTestEnv({ UV_PUBLISH_URL: server.url, NX_UV_UV_PATH: shim.path, UV_HTTP_RETRIES: '0', ...credentials });
    for (const k of CLEARED) if (!(k in credentials) && k !== 'UV_PUBLISH_URL' && k !== 'NX_UV_UV_PATH') delete env[k];
    return env;
  };

  describe('a member with unbuildable metadata', () => {
    const bFile = () => path.join(root, 'py/packages/b/pyproject.toml');
    let good: string;
    beforeAll(() => (good = fs.readFileSync(bFile(), 'utf8')));
    afterEach(() => fs.writeFileSync(bFile(), good));

    it('an invalid version: fails naming the package, the version and its pyproject.toml; uv never runs, nothing is uploaded', async () => {
      fs.writeFileSync(bFile(), good.replace('version = "0.3.0rc1"', 'version = "1.0.0-banana"'));
      const r = await runPublishExecutor({}, executorContext(root, 'pkg-b'), { env: envWith({ UV_PUBLISH_TOKEN: TOKEN }) });
      expect(r).toEqual({ success: false });
      expect(out.text('error')).toBe(
        'nx-uv publish (pkg-b) failed: cannot publish Pkg_B: Pkg_B has version "1.0.0-banana" in py/packages/b/pyproject.toml ([project] version), ' +
          'which is not a PEP 440 version. uv refuses such a workspace; write a valid version (e.g. 1.0.0, 1.0.0rc1, 1.0.0.post1, 1.0.0+local) and run again. Nothing was changed.',
      );
      // The 0.3.0rc1 files built before the edit are still there, and were not sent either.
      expect(
        fs
          .readdirSync(path.join(root, PROJECTS['pkg-b'], 'dist'))
          .filter((n) => !n.startsWith('.'))
          .sort(),
      ).toEqual(EXPECTED_FILES['pkg-b']);
      expect(shim.calls()).toEqual([]);
      expect(stored()).toEqual([]);
    });

    it('a build backend that is missing: the build fails, then publish finds nothing to send and says to build; nothing is uploaded', async () => {
      // As `nx run pkg-c:publish` without its build having succeeded: a fresh output folder, a failed build.
      const cDir = path.join(root, 'py/packages/c');
      const cFile = path.join(cDir, 'pyproject.toml');
      const cGood = fs.readFileSync(cFile, 'utf8');
      const dist = path.join(cDir, 'dist');
      const saved = path.join(tmp.dir, 'c-dist');
      fs.renameSync(dist, saved);
      const broken = memberPyproject({ name: 'pkg.c', version: '2.0.0', module: 'pkg_c', dependencies: ['Pkg_B>=0.1'] }).replace(
        'requires = ["uv_build>=0.13,<0.14"]',
        'requires = ["nx-uv-no-such-backend>=1"]',
      );
      fs.writeFileSync(cFile, broken);
      try {
        const env = envWith({ UV_PUBLISH_TOKEN: TOKEN });
        const built = await runBuildExecutor({}, { ...executorContext(root, 'pkg-c'), targetName: 'build' }, { env });
        expect(built).toEqual({ success: false });
        expect(out.text('error')).toMatch(/nx-uv build \(pkg-c\) failed: uv build of pkg\.c failed; py\/packages\/c\/pyproject\.toml is back as it was/);
        expect(out.text('error')).toMatch(/nx-uv-no-such-backend/);
        expect(fs.readFileSync(cFile, 'utf8')).toBe(broken); // the pin of Pkg_B was taken back
        expect(fs.existsSync(dist)).toBe(false);

        const published = await runPublishExecutor({}, executorContext(root, 'pkg-c'), { env });
        expect(published).toEqual({ success: false });
        expect(out.text('error')).toMatch(
          /nx-uv publish \(pkg-c\) failed: there is no build output folder py\/packages\/c\/dist for pkg\.c 2\.0\.0\. Run the build target first/,
        );
        expect(shim.calls().map((c) => c.argv[0])).toEqual(['build']); // uv build ran, uv publish never did
        expect(stored()).toEqual([]);
      } finally {
        fs.writeFileSync(cFile, cGood);
        fs.rmSync(dist, { recursive: true, force: true });
        fs.renameSync(saved, dist);
      }
    });
  });

  describe('a secret given in the environment never shows', () => {
    it("UV_PUBLISH_TOKEN: uploads (verbose, so uv's own output is printed too); the token is in no output and in no process's command line", async () => {
      const env = envWith({ UV_PUBLISH_TOKEN: TOKEN });
      const r = await runPublishExecutor({}, executorContext(root, 'pkg-a', true), { env });
      expect(out.text('error')).toBe('');
      expect(r).toEqual({ success: true });
      expect(stored()).toEqual(EXPECTED_FILES['pkg-a']);
      expect((await listDistributionFiles(server.simpleUrl, 'pkg-a')).map((f) => f.filename).sort()).toEqual(EXPECTED_FILES['pkg-a']);

      const calls = shim.calls();
      // One uv publish per file (the sdist and the wheel go up at once).
      expect(calls).toHaveLength(2);
      expect(calls.map((c) => path.basename(c.argv[c.argv.length - 1])).sort()).toEqual(EXPECTED_FILES['pkg-a']);
      for (const call of calls) {
        expect(call.argv[0]).toBe('publish');
        // The token reached uv, through its environment only.
        expect(call.tokenSha).toBe(sha256(TOKEN));
        expect(call.uvEnvNames).toContain('UV_PUBLISH_TOKEN');
        for (const form of leakForms(TOKEN, '__token__')) expect(call.argv.join('\n')).not.toContain(form);
        // The snapshot really saw uv running (frozen mid-publish), and no process showed the token.
        expect(call.processes.some((p) => p.startsWith(`${uvBin} publish `))).toBe(true);
        expect(call.processes.length).toBeGreaterThan(3);
        for (const form of leakForms(TOKEN, '__token__')) expect(call.processes.filter((p) => p.includes(form))).toEqual([]);
      }

      const printed = everythingPrinted();
      expect(printed).toContain('credentials from UV_PUBLISH_TOKEN');
      expect(printed).toMatch(/pkg-a 1\.2\.0: uploaded pkg_a-1\.2\.0/);
      for (const form of leakForms(TOKEN, '__token__')) expect(printed).not.toContain(form);
    });

    it('UV_PUBLISH_USERNAME/UV_PUBLISH_PASSWORD refused by the index (403): the error quotes uv, the password is nowhere', async () => {
      const env = envWith({ UV_PUBLISH_USERNAME: USER, UV_PUBLISH_PASSWORD: WRONG_PASSWORD });
      const r = await runPublishExecutor({ maxRetries: 2 }, executorContext(root, 'pkg-b', true), { env });
      expect(r).toEqual({ success: false });
      const error = out.text('error');
      expect(error).toMatch(/nx-uv publish \(pkg-b\) failed: Pkg_B 0\.3\.0rc1 was not published to http:\/\/127\.0\.0\.1:\d+\/: uv exited with code 2/);
      expect(error).toMatch(/403 Forbidden/);
      expect(error).toMatch(/The index refused the credentials from UV_PUBLISH_USERNAME\/UV_PUBLISH_PASSWORD/);

      const calls = shim.calls();
      expect(calls).toHaveLength(2); // one per file (at once); a refusal is not retried
      for (const call of calls) {
        expect(call.passwordSha).toBe(sha256(WRONG_PASSWORD));
        expect(call.uvEnvNames).toEqual(expect.arrayContaining(['UV_PUBLISH_USERNAME', 'UV_PUBLISH_PASSWORD']));
        expect(call.processes.some((p) => p.startsWith(`${uvBin} publish `))).toBe(true);
        for (const form of leakForms(WRONG_PASSWORD, USER)) {
          expect(call.argv.join('\n')).not.toContain(form);
          expect(call.processes.filter((p) => p.includes(form))).toEqual([]);
          expect(everythingPrinted()).not.toContain(form);
        }
      }
      expect(stored()).toEqual(EXPECTED_FILES['pkg-a']); // nothing of Pkg_B
    });

    it('a dry run with UV_PUBLISH_PASSWORD: says where the credentials come from, never what they are', async () => {
      const env = envWith({ UV_PUBLISH_USERNAME: USER, UV_PUBLISH_PASSWORD: PASSWORD });
      const r = await runPublishExecutor({ dryRun: true }, executorContext(root, 'pkg-c', true), { env });
      expect(r).toEqual({ success: true });
      expect(out.text('info')).toContain('credentials from UV_PUBLISH_USERNAME/UV_PUBLISH_PASSWORD');
      for (const form of leakForms(PASSWORD, USER)) expect(everythingPrinted()).not.toContain(form);
      expect(shim.calls()).toEqual([]); // a dry run never runs uv
    });
  });
});
