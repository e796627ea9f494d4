/**
 * Test-only runner of a generated workflow: decides which jobs and steps run for an event (with the
 * expression evaluator) and runs every `run:` script for real in bash — the way a GitHub runner does for
 * `shell: bash` — with fake `npx`, `npm`, `gh` and `uv` on PATH that record their arguments and a few
 * env variables (`realCommands` leaves some of them real). Step outputs (`$GITHUB_OUTPUT`), job outputs
 * and `needs.<job>.outputs` flow as on GitHub.
 *
 * What GitHub's services do, stand-ins do (each recorded on the step or job):
 * - artifacts: `actions/upload-artifact` copies `path` into a store in the working folder,
 *   `actions/download-artifact` copies it out again (tests may alter the store in between);
 * - `astral-sh/attest-action` writes a `<file>.publish.attestation` beside each distribution its
 *   `paths` globs match (and fails as it does: no distribution, or an attestation already there);
 * - the SLSA generator (a job that `uses:` its reusable workflow) writes a provenance artifact naming
 *   the subjects it was given (decoded `base64-subjects`) and outputs `provenance-name`;
 * - checkout, setup-node and setup-uv do nothing (the tests create the files the scripts expect).
 * Any other action or reusable workflow throws, so a workflow that starts to use one fails the tests.
 * Each job gets a RUNNER_TEMP of its own (`.runner-temp/<job>`); the working folder is shared (tests
 * remove what a fresh runner would not have). Scripts get no network: http(s)_proxy point at a
 * closed port, unless `env` says otherwise.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dispatchDefaults, evaluateCondition, hasStatusFunction, stringMap, type Value } from './github-expression';

export interface Scenario {
  event: 'push' | 'pull_request' | 'workflow_dispatch';
  /** Dispatch inputs given by the user; unspecified ones take the workflow's defaults. */
  inputs?: { [key: string]: Value };
  pullRequest?: { merged: boolean; labels: string[]; headRepo?: string; mergeCommitSha?: string };
  secrets?: { [key: string]: string };
  /** Repository variables (`vars`). */
  vars?: { [key: string]: string };
  /** `github.event.repository.private` (default false). */
  privateRepository?: boolean;
  /** Tags that have a GitHub Release (the fake `gh release view` succeeds for them only). */
  releases?: string[];
}

export interface SimulateOptions {
  /** Commands that stay real (default: npx, npm, gh and uv are all fakes). */
  realCommands?: ('npx' | 'npm' | 'gh' | 'uv')[];
  /** More commands to replace with recording fakes (e.g. `sleep`, so that retries take no time). */
  moreFakes?: string[];
  /** Extra environment of every script (e.g. PATH additions, no_proxy for a loopback index). */
  env?: { [key: string]: string };
  /** Called after a job ran (or was skipped), e.g. to tamper with an artifact before the next job. */
  afterJob?(job: string, result: JobResult): void;
}

export interface Call {
  command: string;
  args: string[];
  /** The tracked variables that were set in the environment of the call (unset ones are absent). */
  env: { [key: string]: string };
}

export interface StepResult {
  name: string;
  ran: boolean;
  id?: string;
  uses?: string;
  with?: { [key: string]: string };
  status?: number;
  stdout?: string;
  stderr?: string;
  calls: Call[];
  outputs: { [key: string]: string };
}

export interface JobResult {
  result: 'success' | 'failure' | 'skipped';
  steps: StepResult[];
  outputs: { [key: string]: string };
  /** A job that calls a reusable workflow: what it called and with which inputs. */
  uses?: string;
  with?: { [key: string]: string };
}

const TRACKED_ENV = [
  'UV_PUBLISH_TOKEN',
  'TESTPYPI_TOKEN',
  'GITHUB_TOKEN',
  'GH_TOKEN',
  'GH_REPO',
  'GIT_AUTHOR_NAME',
  'UV_PUBLISH_URL',
  'UV_PUBLISH_CHECK_URL',
  'UV_PUBLISH_USERNAME',
  'UV_PUBLISH_PASSWORD',
  'NX_UV_PUBLISH_CONCURRENCY',
];
export const REPOSITORY = 'acme/mono';
export const SLSA_GENERATOR_PREFIX = 'slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@';

const FAKE = `#!/usr/bin/env bash
{
  printf '%s' "$(basename "$0")"
  for a in "$@"; do printf '\\037%s' "$a"; done
  printf '\\035'
  for v in ${TRACKED_ENV.join(' ')}; do
    if [ -n "\${!v+x}" ]; then printf '%s=%s\\037' "$v" "\${!v}"; fi
  done
  printf '\\036'
} >> "$FAKE_LOG"
if [ "$(basename "$0")" = gh ] && [ "$1" = release ] && [ "$2" = view ]; then
  grep -qxF -- "\${!#}" <<< "\${FAKE_GH_RELEASES:-}"
fi
`;

function parseCalls(text: string): Call[] {
  return text
    .split('\x1e')
    .filter((r) => r !== '')
    .map((record) => {
      const [argv, envPart] = record.split('\x1d');
      const [command, ...args] = argv.split('\x1f');
      const env: { [key: string]: string } = {};
      for (const pair of envPart.split('\x1f').filter((p) => p !== '')) {
        const eq = pair.indexOf('=');
        env[pair.slice(0, eq)] = pair.slice(eq + 1);
      }
      return { command, args, env };
    });
}

/** `$GITHUB_OUTPUT` as GitHub reads it: `key=value` lines and `key<<DELIMITER` blocks. */
export function parseOutputFile(text: string): { [key: string]: string } {
  const out: { [key: string]: string } = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line === '') continue;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== heredoc[2]; i++) value.push(lines[i]);
      if (i >= lines.length) throw new Error(`GITHUB_OUTPUT: no closing ${heredoc[2]} for ${heredoc[1]}`);
      out[heredoc[1]] = value.join('\n');
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0) throw new Error(`GITHUB_OUTPUT: not key=value: ${JSON.stringify(line)}`);
    out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

type Obj = { [key: string]: unknown };

/** Every file under a folder, as POSIX paths relative to it. */
export function filesUnder(dir: string, prefix = ''): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
  );
}

/** Where the artifact store of a simulated run lives (one folder per artifact name). */
export function artifactDir(workdir: string, name: string): string {
  return join(workdir, '.artifacts', name);
}

function bash(script: string, cwd: string, env: NodeJS.ProcessEnv) {
  return spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], { cwd, env, encoding: 'utf-8' });
}

/** Stand-in of an action; returns an error message when the action would fail. */
function runAction(uses: string, withs: { [key: string]: string }, workdir: string, env: NodeJS.ProcessEnv): string | undefined {
  const repo = uses.split('@')[0];
  switch (repo) {
    case 'actions/checkout':
    case 'actions/setup-node':
    case 'astral-sh/setup-uv':
      return undefined;
    case 'actions/upload-artifact': {
      const from = withs.path.startsWith('/') ? withs.path : join(workdir, withs.path);
      if (!existsSync(from) || filesUnder(from).length === 0) return `upload-artifact: no files at ${withs.path}`;
      const store = artifactDir(workdir, withs.name);
      rmSync(store, { recursive: true, force: true });
      cpSync(from, statSync(from).isDirectory() ? store : join(store, from.split('/').pop()!), { recursive: true });
      return undefined;
    }
    case 'actions/download-artifact': {
      const store = artifactDir(workdir, withs.name);
      if (!existsSync(store)) return `download-artifact: no artifact ${withs.name}`;
      const to = withs.path.startsWith('/') ? withs.path : join(workdir, withs.path);
      cpSync(store, to, { recursive: true });
      return undefined;
    }
    case 'astral-sh/attest-action': {
      // As the action: every distribution its globs match, none already attested.
      const proc = bash(
        [
          'shopt -s nullglob globstar',
          'set -f; patterns=($WF_PATHS); set +f',
          'files=()',
          'for p in "${patterns[@]}"; do for f in $p; do case "$f" in *.whl | *.tar.gz) files+=("$f") ;; esac; done; done',
          '[ "${#files[@]}" -gt 0 ] || { echo "No distributions to attest"; exit 1; }',
          'for f in "${files[@]}"; do [ ! -e "$f.publish.attestation" ] || { echo "Attestation file conflict: $f"; exit 1; }; done',
          'for f in "${files[@]}"; do printf \'{"version":1,"subject":"%s"}\' "${f##*/}" > "$f.publish.attestation"; done',
        ].join('\n'),
        workdir,
        { ...env, WF_PATHS: withs.paths ?? 'dist/*' },
      );
      return proc.status === 0 ? undefined : `attest-action: ${proc.stdout}${proc.stderr}`;
    }
    default:
      throw new Error(`the test runner has no stand-in for ${uses}`);
  }
}

/** Stand-in of the SLSA generator: a provenance artifact naming the subjects it was given. */
function runSlsaGenerator(withs: { [key: string]: string }, workdir: string): { outputs: { [key: string]: string }; error?: string } {
  const subjects = Buffer.from(withs['base64-subjects'] ?? '', 'base64')
    .toString('utf-8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const m = /^([0-9a-f]{64}) [ *]?(.+)$/.exec(l);
      if (!m) throw new Error(`SLSA generator: not sha256sum output: ${JSON.stringify(l)}`);
      return { name: m[2], digest: { sha256: m[1] } };
    });
  if (subjects.length === 0) return { outputs: {}, error: 'SLSA generator: no subjects' };
  const name = withs['provenance-name'] || (subjects.length === 1 ? `${subjects[0].name}.intoto.jsonl` : 'multiple.intoto.jsonl');
  const store = artifactDir(workdir, name);
  mkdirSync(store, { recursive: true });
  writeFileSync(join(store, name), `${JSON.stringify({ subject: subjects })}\n`);
  return { outputs: { 'provenance-name': name } };
}

/**
 * Runs the workflow for one event in `workdir` (the checkout: create any files the scripts expect there).
 * Jobs run in the order they are declared; a job whose needs did not all succeed is skipped, as GitHub
 * does, unless its condition calls a status function (`!cancelled()`, `always()`).
 */
export function simulate(workflow: Obj, scenario: Scenario, workdir: string, options: SimulateOptions = {}): { [job: string]: JobResult } {
  const bin = join(workdir, '.fake-bin');
  mkdirSync(bin, { recursive: true });
  const fakes = ['npx', 'npm', 'gh', 'uv'].filter((n) => !(options.realCommands ?? []).includes(n as 'npx'));
  for (const name of [...fakes, ...(options.moreFakes ?? [])]) {
    writeFileSync(join(bin, name), FAKE);
    chmodSync(join(bin, name), 0o755);
  }
  const pr = scenario.pullRequest;
  const github: Value = {
    event_name: scenario.event,
    ref: pr ? 'refs/pull/7/merge' : 'refs/heads/main',
    sha: 'a'.repeat(40),
    repository: REPOSITORY,
    workspace: workdir,
    token: 'ghs_run_token',
    event: {
      repository: { full_name: REPOSITORY, private: scenario.privateRepository ?? false },
      ...(pr
        ? {
            pull_request: {
              merged: pr.merged,
              merge_commit_sha: pr.mergeCommitSha ?? 'b'.repeat(40),
              labels: pr.labels.map((name) => ({ name })),
              head: { repo: { full_name: pr.headRepo ?? REPOSITORY } },
            },
          }
        : {}),
    },
  };
  const inputs: Value = scenario.event === 'workflow_dispatch' ? { ...dispatchDefaults(workflow), ...scenario.inputs } : {};
  const secrets: Value = { GITHUB_TOKEN: 'ghs_run_token', ...scenario.secrets };
  const vars: Value = { ...scenario.vars };

  const results: { [job: string]: JobResult } = {};
  for (const [jobId, jobValue] of Object.entries(workflow.jobs as Obj)) {
    const job = jobValue as Obj;
    const needs = job.needs === undefined ? [] : Array.isArray(job.needs) ? (job.needs as string[]) : [job.needs as string];
    const needsContext: Value = Object.fromEntries(needs.map((n) => [n, { result: results[n]?.result ?? 'skipped', outputs: results[n]?.outputs ?? {} }]));
    const status: Value = {
      success: needs.every((n) => results[n]?.result === 'success'),
      failure: needs.some((n) => results[n]?.result === 'failure'),
    };
    // Each job runs on a runner of its own: a RUNNER_TEMP of its own (.runner-temp/<job>).
    const runnerTemp = join(workdir, '.runner-temp', jobId);
    mkdirSync(runnerTemp, { recursive: true });
    const runner: Value = { temp: runnerTemp, os: 'Linux' };
    const context = { github, inputs, secrets, vars, runner, needs: needsContext, __status: status };
    const condition = job.if === undefined ? undefined : String(job.if);
    const runs =
      condition !== undefined && hasStatusFunction(condition)
        ? evaluateCondition(condition, context)
        : status.success && (condition === undefined || evaluateCondition(condition, context));
    if (!runs) {
      results[jobId] = { result: 'skipped', steps: [], outputs: {} };
      options.afterJob?.(jobId, results[jobId]);
      continue;
    }
    if (job.uses !== undefined) {
      const uses = String(job.uses);
      if (!uses.startsWith(SLSA_GENERATOR_PREFIX)) throw new Error(`the test runner has no stand-in for the reusable workflow ${uses}`);
      const withs = stringMap(job.with, context);
      const { outputs, error } = runSlsaGenerator(withs, workdir);
      results[jobId] = { result: error ? 'failure' : 'success', steps: [], outputs, uses, with: withs };
      options.afterJob?.(jobId, results[jobId]);
      continue;
    }
    const jobEnv = stringMap(job.env, context);
    const steps: StepResult[] = [];
    const stepsContext: { [id: string]: Value } = {};
    let failed = false;
    for (const [index, stepValue] of (job.steps as Obj[]).entries()) {
      const step = stepValue;
      const name = String(step.name ?? `step ${index}`);
      const stepContext = { ...context, steps: stepsContext };
      const ran = !failed && (step.if === undefined || evaluateCondition(String(step.if), stepContext));
      const result: StepResult = { name, ran, calls: [], outputs: {} };
      if (step.id !== undefined) result.id = String(step.id);
      const env: NodeJS.ProcessEnv = {
        HOME: workdir,
        RUNNER_TEMP: runnerTemp,
        GITHUB_WORKSPACE: workdir,
        http_proxy: 'http://127.0.0.1:9',
        https_proxy: 'http://127.0.0.1:9',
        ...options.env,
        // The fakes first, whatever PATH the test gives.
        PATH: `${bin}:${options.env?.PATH ?? process.env.PATH ?? '/usr/bin:/bin'}`,
        ...jobEnv,
      };
      if (step.uses !== undefined) {
        result.uses = String(step.uses);
        result.with = stringMap(step.with, stepContext);
        if (ran) {
          const error = runAction(result.uses, result.with, workdir, env);
          if (error !== undefined) {
            result.status = 1;
            result.stderr = error;
            failed = true;
          } else result.status = 0;
        }
      }
      if (ran && step.run !== undefined) {
        const log = join(runnerTemp, `calls-${jobId}-${index}`);
        const output = join(runnerTemp, `output-${jobId}-${index}`);
        writeFileSync(log, '');
        writeFileSync(output, '');
        const file = join(runnerTemp, `step-${jobId}-${index}.sh`);
        writeFileSync(file, String(step.run));
        const proc = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', file], {
          cwd: workdir,
          env: {
            ...env,
            FAKE_LOG: log,
            FAKE_GH_RELEASES: (scenario.releases ?? []).join('\n'),
            GITHUB_OUTPUT: output,
            ...stringMap(step.env, stepContext),
          },
          encoding: 'utf-8',
        });
        result.status = proc.status ?? -1;
        result.stdout = proc.stdout;
        result.stderr = proc.stderr;
        result.calls = parseCalls(readFileSync(log, 'utf-8'));
        result.outputs = parseOutputFile(readFileSync(output, 'utf-8'));
        if (result.status !== 0) failed = true;
      }
      if (result.id !== undefined) {
        stepsContext[result.id] = {
          outputs: result.outputs,
          outcome: !ran ? 'skipped' : result.status === 0 ? 'success' : 'failure',
        };
      }
      steps.push(result);
    }
    const outputs = failed ? {} : stringMap(job.outputs, { ...context, steps: stepsContext });
    results[jobId] = { result: failed ? 'failure' : 'success', steps, outputs };
    options.afterJob?.(jobId, results[jobId]);
  }
  return results;
}

/** The `npx nx ...` calls of a job (the `npm ci` calls left out). */
export function nxCalls(job: JobResult | undefined): string[][] {
  return (job?.steps ?? []).flatMap((s) => s.calls.filter((c) => c.command === 'npx').map((c) => c.args));
}

/** The calls of one fake command in a job. */
export function callsOf(job: JobResult | undefined, command: string): Call[] {
  return (job?.steps ?? []).flatMap((s) => s.calls.filter((c) => c.command === command));
}
