/**
 * Runs the GitHub Actions workflow that `nx g nx-uv:workflow` generated, for real, on this machine:
 * which jobs and steps run for an event is decided by the workflow's own `if:` conditions (with the
 * test-only expression evaluator of the workflow generator), and every `run:` script is executed by
 * bash the way a runner does for `shell: bash` (`bash --noprofile --norc -eo pipefail <file>`), with
 * the job's and the step's `env:` (expressions interpolated). So the nx commands that run are exactly
 * the ones in the YAML.
 *
 * What a GitHub runner does that this one cannot, and what stands in for it (each recorded on the step):
 * - `actions/checkout`: the `checkout` callback (a git checkout of the evaluated `ref` in the working copy).
 * - `actions/setup-node`, `astral-sh/setup-uv`: provided (node and the pinned uv are on PATH).
 * - `npm ci`: provided (the harness installed the workspace offline; `npm ci` would need the registry).
 * - `actions/attest-build-provenance`, `actions/upload-artifact`: skipped (GitHub services).
 * Anything else the workflow starts to use fails the run, so the e2e notices.
 *
 * Scripts run asynchronously on purpose: the fake GitHub they call lives in this (jest) process, and a
 * synchronous spawn would block its event loop while nx waits for its answers (a deadlock).
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { dispatchDefaults, evaluateCondition, stringMap, type Value } from '../../../packages/nx-uv/src/generators/workflow/__fixtures__/github-expression';

type Obj = { [key: string]: unknown };

export interface WorkflowEvent {
  name: 'push' | 'pull_request' | 'workflow_dispatch';
  /** `github.sha`: the pushed commit, or the PR's merge ref commit (we use the merge commit). */
  sha: string;
  /** `github.ref`. */
  ref: string;
  pullRequest?: { number: number; merged: boolean; mergeCommitSha: string | null; labels: string[]; headRepo: string; headRef: string };
  /** workflow_dispatch inputs given by the user; the others take their defaults. */
  inputs?: { [key: string]: Value };
}

export interface RunnerOptions {
  /** The parsed workflow file. */
  workflow: Obj;
  /** The checkout (working copy) the steps run in. */
  workdir: string;
  /** `owner/name` (github.repository). */
  repository: string;
  /** `github.token`. */
  token: string;
  secrets: { [key: string]: string };
  /** Repository variables (`vars`). */
  vars?: { [key: string]: string };
  /** The runner's environment (tools on PATH, GITHUB_API_URL, ...); job and step env go on top. */
  env: NodeJS.ProcessEnv;
  /** Folder for RUNNER_TEMP and the step scripts. */
  runnerTemp: string;
  /** Stands in for actions/checkout: `ref` is the evaluated `with.ref` (undefined: the event's commit). */
  checkout(ref: string | undefined, options: { event: WorkflowEvent }): void;
  /**
   * Explicit, checked changes to a step's script before it runs (e.g. the index of the publish step).
   * Each `from` must occur exactly once in the script of the step named `step`, else the run fails.
   */
  substitutions?: { job: string; step: string; from: string; to: string }[];
  /** Called after each job that ran (e.g. to check the working tree). */
  afterJob?(job: string): void;
}

export interface StepRun {
  name: string;
  /** ran: a run script executed; provided/skipped: a stand-in (see the file comment); off: its `if:` was false. */
  status: 'ran' | 'provided' | 'skipped' | 'off';
  uses?: string;
  script?: string;
  stdout?: string;
  stderr?: string;
  /** The commands bash traced after `set -x` (`+ ` lines), without the `+ `. */
  traced: string[];
}

export interface JobRun {
  id: string;
  result: 'success' | 'skipped';
  steps: StepRun[];
}

export class WorkflowStepError extends Error {
  constructor(
    readonly job: string,
    readonly step: string,
    readonly status: number | null,
    readonly stdout: string,
    readonly stderr: string,
  ) {
    super(`workflow job ${job}, step "${step}" failed (exit ${status ?? 'signal'})\n--- stdout ---\n${stdout.trimEnd()}\n--- stderr ---\n${stderr.trimEnd()}`);
    this.name = 'WorkflowStepError';
  }
}

const PROVIDED_ACTIONS = [/^actions\/setup-node@/, /^astral-sh\/setup-uv@/];
const SKIPPED_ACTIONS = [/^actions\/attest-build-provenance@/, /^actions\/upload-artifact@/];

/** The `+ ...` lines bash prints for traced commands (set -x), as the command text. */
export function tracedCommands(stderr: string): string[] {
  return stderr
    .split('\n')
    .filter((line) => line.startsWith('+ '))
    .map((line) => line.slice(2));
}

/** Runs a bash script file without blocking the event loop; resolves with its status and output. */
function runScript(file: string, cwd: string, env: NodeJS.ProcessEnv): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', file], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.once('error', (error) => resolve({ status: null, stdout, stderr: `${stderr}\n${error.message}` }));
    child.once('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** Runs the jobs of the workflow that the event triggers, in declaration order; throws on a failed step. */
export async function runWorkflow(options: RunnerOptions, event: WorkflowEvent): Promise<JobRun[]> {
  const { workflow } = options;
  const pr = event.pullRequest;
  const github: Value = {
    event_name: event.name,
    ref: event.ref,
    sha: event.sha,
    repository: options.repository,
    token: options.token,
    event: pr
      ? {
          pull_request: {
            number: pr.number,
            merged: pr.merged,
            merge_commit_sha: pr.mergeCommitSha,
            labels: pr.labels.map((name) => ({ name })),
            head: { ref: pr.headRef, repo: { full_name: pr.headRepo } },
          },
        }
      : {},
  };
  const inputs: Value = event.name === 'workflow_dispatch' ? { ...dispatchDefaults(workflow), ...event.inputs } : {};
  const secrets: Value = { GITHUB_TOKEN: options.token, ...options.secrets };
  const vars: Value = { ...options.vars };
  const pending = [...(options.substitutions ?? [])];

  const results = new Map<string, JobRun>();
  for (const [id, jobValue] of Object.entries(workflow.jobs as Obj)) {
    const job = jobValue as Obj;
    const needs = job.needs === undefined ? [] : Array.isArray(job.needs) ? (job.needs as string[]) : [job.needs as string];
    const needsContext: Value = Object.fromEntries(needs.map((n) => [n, { result: results.get(n)?.result ?? 'skipped' }]));
    const context = { github, inputs, secrets, vars, needs: needsContext };
    const runs = needs.every((n) => results.get(n)?.result === 'success') && (job.if === undefined || evaluateCondition(String(job.if), context));
    if (!runs) {
      results.set(id, { id, result: 'skipped', steps: [] });
      continue;
    }
    const jobEnv = stringMap(job.env, context);
    const steps: StepRun[] = [];
    for (const [index, stepValue] of (job.steps as Obj[]).entries()) {
      const name = String(stepValue.name ?? `step ${index}`);
      if (stepValue.if !== undefined && !evaluateCondition(String(stepValue.if), context)) {
        steps.push({ name, status: 'off', traced: [] });
        continue;
      }
      if (stepValue.uses !== undefined) {
        const uses = String(stepValue.uses);
        const withs = stringMap(stepValue.with, context);
        if (/^actions\/checkout@/.test(uses)) {
          if (withs['fetch-depth'] !== '0') throw new Error(`workflow job ${id}: checkout without fetch-depth 0 (tags and history are needed)`);
          options.checkout(withs.ref || undefined, { event });
          steps.push({ name, status: 'provided', uses, traced: [] });
        } else if (PROVIDED_ACTIONS.some((re) => re.test(uses))) {
          steps.push({ name, status: 'provided', uses, traced: [] });
        } else if (SKIPPED_ACTIONS.some((re) => re.test(uses))) {
          steps.push({ name, status: 'skipped', uses, traced: [] });
        } else {
          throw new Error(`workflow job ${id}, step "${name}": the e2e runner has no stand-in for ${uses}`);
        }
        continue;
      }
      let script = String(stepValue.run);
      if (script.trim() === 'npm ci') {
        steps.push({ name, status: 'provided', script, traced: [] });
        continue;
      }
      for (const sub of pending.filter((s) => s.job === id && s.step === name)) {
        const count = script.split(sub.from).length - 1;
        if (count !== 1)
          throw new Error(`workflow job ${id}, step "${name}": expected ${JSON.stringify(sub.from)} once in its script, found it ${count} times:\n${script}`);
        script = script.replace(sub.from, sub.to);
      }
      fs.mkdirSync(options.runnerTemp, { recursive: true });
      const file = path.join(options.runnerTemp, `step-${id}-${index}.sh`);
      fs.writeFileSync(file, script);
      const env: NodeJS.ProcessEnv = { ...options.env, RUNNER_TEMP: options.runnerTemp, ...jobEnv, ...stringMap(stepValue.env, context) };
      const proc = await runScript(file, options.workdir, env);
      const { stdout, stderr } = proc;
      if (proc.status !== 0) throw new WorkflowStepError(id, name, proc.status, stdout, stderr);
      steps.push({ name, status: 'ran', script, stdout, stderr, traced: tracedCommands(stderr) });
    }
    results.set(id, { id, result: 'success', steps });
    options.afterJob?.(id);
  }
  return [...results.values()];
}

/** The commands a job traced (in step order). */
export function jobCommands(jobs: JobRun[], id: string): string[] {
  return (jobs.find((j) => j.id === id)?.steps ?? []).flatMap((s) => s.traced);
}

/** stdout + stderr of every step of a job that ran. */
export function jobOutput(jobs: JobRun[], id: string): string {
  return (jobs.find((j) => j.id === id)?.steps ?? []).map((s) => `${s.stdout ?? ''}${s.stderr ?? ''}`).join('\n');
}

/** Ids of the jobs that ran. */
export function jobsThatRan(jobs: JobRun[]): string[] {
  return jobs.filter((j) => j.result === 'success').map((j) => j.id);
}
