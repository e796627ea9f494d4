/**
 * Test-only runner of a generated workflow: decides which jobs and steps run for an event (with the
 * expression evaluator) and runs every `run:` script for real in bash — the way a GitHub runner does for
 * `shell: bash` — with fake `npx` and `npm` on PATH that record their arguments and a few env variables.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dispatchDefaults, evaluateCondition, stringMap, type Value } from './github-expression';

export interface Scenario {
  event: 'push' | 'pull_request' | 'workflow_dispatch';
  /** Dispatch inputs given by the user; unspecified ones take the workflow's defaults. */
  inputs?: { [key: string]: Value };
  pullRequest?: { merged: boolean; labels: string[]; headRepo?: string; mergeCommitSha?: string };
  secrets?: { [key: string]: string };
  /** Repository variables (`vars`). */
  vars?: { [key: string]: string };
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
  uses?: string;
  with?: { [key: string]: string };
  status?: number;
  stdout?: string;
  stderr?: string;
  calls: Call[];
}

export interface JobResult {
  result: 'success' | 'failure' | 'skipped';
  steps: StepResult[];
}

const TRACKED_ENV = [
  'UV_PUBLISH_TOKEN',
  'TESTPYPI_TOKEN',
  'GITHUB_TOKEN',
  'GIT_AUTHOR_NAME',
  'UV_PUBLISH_URL',
  'UV_PUBLISH_CHECK_URL',
  'UV_PUBLISH_USERNAME',
  'UV_PUBLISH_PASSWORD',
  'NX_UV_PUBLISH_CONCURRENCY',
];
export const REPOSITORY = 'acme/mono';

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

type Obj = { [key: string]: unknown };

/**
 * Runs the workflow for one event in `workdir` (the checkout: create any files the scripts expect there).
 * Jobs run in the order they are declared; a job whose needs did not all succeed is skipped, as GitHub
 * does for conditions without a status function.
 */
export function simulate(workflow: Obj, scenario: Scenario, workdir: string): { [job: string]: JobResult } {
  const bin = join(workdir, '.fake-bin');
  const runnerTemp = join(workdir, '.runner-temp');
  mkdirSync(bin, { recursive: true });
  mkdirSync(runnerTemp, { recursive: true });
  for (const name of ['npx', 'npm']) {
    writeFileSync(join(bin, name), FAKE);
    chmodSync(join(bin, name), 0o755);
  }
  const pr = scenario.pullRequest;
  const github: Value = {
    event_name: scenario.event,
    ref: pr ? 'refs/pull/7/merge' : 'refs/heads/main',
    sha: 'a'.repeat(40),
    repository: REPOSITORY,
    token: 'ghs_run_token',
    event: pr
      ? {
          pull_request: {
            merged: pr.merged,
            merge_commit_sha: pr.mergeCommitSha ?? 'b'.repeat(40),
            labels: pr.labels.map((name) => ({ name })),
            head: { repo: { full_name: pr.headRepo ?? REPOSITORY } },
          },
        }
      : {},
  };
  const inputs: Value = scenario.event === 'workflow_dispatch' ? { ...dispatchDefaults(workflow), ...scenario.inputs } : {};
  const secrets: Value = { GITHUB_TOKEN: 'ghs_run_token', ...scenario.secrets };
  const vars: Value = { ...scenario.vars };

  const results: { [job: string]: JobResult } = {};
  for (const [jobId, jobValue] of Object.entries(workflow.jobs as Obj)) {
    const job = jobValue as Obj;
    const needs = job.needs === undefined ? [] : Array.isArray(job.needs) ? (job.needs as string[]) : [job.needs as string];
    const needsContext: Value = Object.fromEntries(needs.map((n) => [n, { result: results[n]?.result ?? 'skipped' }]));
    const context = { github, inputs, secrets, vars, needs: needsContext };
    const runs = needs.every((n) => results[n]?.result === 'success') && (job.if === undefined || evaluateCondition(String(job.if), context));
    if (!runs) {
      results[jobId] = { result: 'skipped', steps: [] };
      continue;
    }
    const jobEnv = stringMap(job.env, context);
    const steps: StepResult[] = [];
    let failed = false;
    for (const [index, stepValue] of (job.steps as Obj[]).entries()) {
      const step = stepValue;
      const name = String(step.name ?? `step ${index}`);
      const ran = !failed && (step.if === undefined || evaluateCondition(String(step.if), context));
      const result: StepResult = { name, ran, calls: [] };
      if (step.uses !== undefined) {
        result.uses = String(step.uses);
        result.with = stringMap(step.with, context);
      }
      if (ran && step.run !== undefined) {
        const log = join(runnerTemp, `calls-${jobId}-${index}`);
        writeFileSync(log, '');
        const file = join(runnerTemp, `step-${jobId}-${index}.sh`);
        writeFileSync(file, String(step.run));
        const env = {
          PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}`,
          HOME: workdir,
          RUNNER_TEMP: runnerTemp,
          FAKE_LOG: log,
          ...jobEnv,
          ...stringMap(step.env, context),
        };
        const proc = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', file], {
          cwd: workdir,
          env,
          encoding: 'utf-8',
        });
        result.status = proc.status ?? -1;
        result.stdout = proc.stdout;
        result.stderr = proc.stderr;
        result.calls = parseCalls(readFileSync(log, 'utf-8'));
        if (result.status !== 0) failed = true;
      }
      steps.push(result);
    }
    results[jobId] = { result: failed ? 'failure' : 'success', steps };
  }
  return results;
}

/** The `npx nx ...` calls of a job (the `npm ci` calls left out). */
export function nxCalls(job: JobResult | undefined): string[][] {
  return (job?.steps ?? []).flatMap((s) => s.calls.filter((c) => c.command === 'npx').map((c) => c.args));
}
