/**
 * Runs the GitHub Actions workflow that `nx g nx-uv:workflow` generated, for real, on this machine:
 * which jobs and steps run for an event is decided by the workflow's own `if:` conditions (with the
 * test-only expression evaluator of the workflow generator, status functions included), and every
 * `run:` script is executed by bash the way a runner does for `shell: bash` (`bash --noprofile --norc
 * -eo pipefail <file>`), with the job's and the step's `env:` (expressions interpolated). So the nx
 * commands that run are exactly the ones in the YAML. Jobs run one after the other in the order they
 * are declared (each one's `needs` come before it); a job whose needs did not all succeed is skipped,
 * unless its `if:` calls a status function (`!cancelled()`).
 *
 * Between jobs, as on GitHub: step outputs (`$GITHUB_OUTPUT`, `steps.<id>.outputs`), job `outputs:`
 * (`needs.<job>.outputs`), and artifacts. Each job is a fresh runner: a RUNNER_TEMP of its own, and a
 * job without `actions/checkout` works in an empty folder of its own (the checkout is the working
 * copy `workdir`, reset by the `checkout` callback). A job whose permissions grant `id-token: write`
 * gets ACTIONS_ID_TOKEN_REQUEST_URL/_TOKEN in its steps' environment (values that only name the job:
 * nothing here mints a token), so a test can tell which jobs could have asked for one.
 *
 * What a GitHub runner does that this one cannot, and what stands in for it (each recorded on the step):
 * - `actions/checkout`: the `checkout` callback (a git checkout of the evaluated `ref` in the working copy).
 * - `actions/setup-node`, `astral-sh/setup-uv`: provided (node and the pinned uv are on PATH).
 * - `npm ci`: provided (the harness installed the workspace offline; `npm ci` would need the registry).
 * - `actions/upload-artifact`, `actions/download-artifact`: a store per run under `runnerTemp`
 *   (`run-<n>/artifacts/<name>/`): upload copies the one `path` there (a folder's contents, as the
 *   action roots the artifact at it), fails on no files with `if-no-files-found: error` and on a name
 *   already used in the run; download copies it out to `path`. `afterJob` may alter the store.
 * - the SLSA generic generator (a job that `uses:` its reusable workflow): checks the permissions and
 *   inputs it is called with, and stores an artifact named `provenance-name` holding one DSSE
 *   envelope line whose payload is an in-toto v0.1 statement with SLSA v0.2 provenance: subjects are the
 *   decoded `base64-subjects` (sha256sum output), builder id the generator at the called tag, the
 *   config source this repository at the event's ref and commit. It has no signature (`signatures: []`).
 *   Outputs `provenance-name`, as the generator does.
 * - `gh` (gh-stand-in.ts, first on PATH): `release view` and `release upload` against the fake GitHub.
 * Anything else the workflow starts to use (another action, `astral-sh/attest-action` included:
 * attestations are never minted when publishing with a token, so it must stay off here; another
 * reusable workflow; `$GITHUB_ENV` or `$GITHUB_PATH`) fails the run, so the e2e notices.
 *
 * Scripts run asynchronously on purpose: the fake GitHub they call lives in this (jest) process, and a
 * synchronous spawn would block its event loop while nx waits for its answers (a deadlock).
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  dispatchDefaults,
  evaluateCondition,
  hasStatusFunction,
  stringMap,
  type Value,
} from '../../../packages/nx-uv/src/generators/workflow/__fixtures__/github-expression';
import { GH_STAND_IN_SOURCE } from './gh-stand-in';

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
  /** Its path in the repository (the provenance's entry point). */
  workflowFile?: string;
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
  /**
   * The environment of one job's runner, from `env` (e.g. a job with no checkout reaches the index
   * with uv, and nothing else); default `env`.
   */
  jobEnv?(job: string, env: NodeJS.ProcessEnv, runner: { temp: string; checkout: boolean }): NodeJS.ProcessEnv;
  /** Folder for each run's job folders (RUNNER_TEMP, step scripts), artifacts and the `gh` stand-in. */
  runnerTemp: string;
  /** Stands in for actions/checkout: `ref` is the evaluated `with.ref` (undefined: the event's commit). */
  checkout(ref: string | undefined, options: { event: WorkflowEvent }): void;
  /**
   * Explicit, checked changes to a step's script before it runs (e.g. the index of the publish step).
   * Each `from` must occur exactly once in the script of the step named `step`, else the run fails.
   */
  substitutions?: { job: string; step: string; from: string; to: string }[];
  /** Called after each job that ran (e.g. to check the working tree, or to alter an artifact). */
  afterJob?(job: string, run: JobRun): void;
}

export interface StepRun {
  name: string;
  /** ran: a run script executed; provided: a stand-in did it (see the file comment); off: its `if:` was false. */
  status: 'ran' | 'provided' | 'off';
  id?: string;
  uses?: string;
  with?: { [key: string]: string };
  script?: string;
  /** The environment the script ran with (runner, job and step env). */
  env?: NodeJS.ProcessEnv;
  stdout?: string;
  stderr?: string;
  /** The commands bash traced after `set -x` (`+ ` lines), without the `+ `. */
  traced: string[];
  /** What the script wrote to `$GITHUB_OUTPUT`. */
  outputs: { [key: string]: string };
  /** The arguments of each `gh` call the script made (the stand-in). */
  gh: string[][];
}

export interface JobRun {
  id: string;
  result: 'success' | 'skipped';
  /** The job's `permissions:` as written. */
  permissions?: Obj;
  steps: StepRun[];
  /** The job's `outputs:`, evaluated after its steps. */
  outputs: { [key: string]: string };
  /** A job that calls a reusable workflow: what it called, and its evaluated `with:`. */
  uses?: string;
  with?: { [key: string]: string };
  /** Artifacts the job uploaded: name → folder in the run's store (its files as the artifact holds them). */
  artifacts: { [name: string]: string };
  /** How long the job took here, in milliseconds (0 when skipped). */
  ms: number;
}

export class WorkflowStepError extends Error {
  /** The jobs of the run so far (the failing one last, with the steps that ran before the failure). */
  jobs: JobRun[] = [];
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
export const SLSA_GENERATOR = 'slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml';

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

/** Every file under a folder, as POSIX paths relative to it. */
export function filesUnder(dir: string, prefix = ''): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`]))
    .sort();
}

/** One run's folders: jobs (temp, workspace), the artifact store, the `gh` stand-in. */
interface RunFolders {
  root: string;
  artifacts: string;
  bin: string;
  ghLog: string;
}

function runFolders(runnerTemp: string): RunFolders {
  fs.mkdirSync(runnerTemp, { recursive: true });
  let n = 1;
  while (fs.existsSync(path.join(runnerTemp, `run-${n}`))) n++;
  const root = path.join(runnerTemp, `run-${n}`);
  const folders = { root, artifacts: path.join(root, 'artifacts'), bin: path.join(root, 'bin'), ghLog: path.join(root, 'gh-calls.jsonl') };
  fs.mkdirSync(folders.artifacts, { recursive: true });
  fs.mkdirSync(folders.bin, { recursive: true });
  fs.writeFileSync(path.join(folders.bin, 'gh'), `#!${process.execPath}\n${GH_STAND_IN_SOURCE}`, { mode: 0o755 });
  return folders;
}

/** The artifact actions, on the run's store. Returns an error message when the action would fail. */
function artifactAction(uses: string, withs: { [key: string]: string }, folders: RunFolders, cwd: string, uploaded: JobRun['artifacts']): string | undefined {
  const name = withs.name ?? '';
  if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new Error(`${uses}: the e2e runner supports artifacts with a plain name only, got ${JSON.stringify(name)}`);
  const store = path.join(folders.artifacts, name);
  const where = (p: string | undefined) => path.resolve(cwd, p ?? '.');
  if (uses.startsWith('actions/upload-artifact@')) {
    const given = withs.path ?? '';
    if (given === '' || /[\n*?[]/.test(given)) throw new Error(`${uses}: the e2e runner supports one path without wildcards, got ${JSON.stringify(given)}`);
    const from = where(given);
    const files = fs.existsSync(from) ? (fs.statSync(from).isDirectory() ? filesUnder(from) : [path.basename(from)]) : [];
    if (files.length === 0) {
      if ((withs['if-no-files-found'] ?? 'warn') === 'error')
        return `upload-artifact: no files were found with the provided path: ${given}. No artifacts will be uploaded.`;
      return undefined;
    }
    if (fs.existsSync(store)) return `upload-artifact: an artifact named ${name} already exists in this run`;
    if (fs.statSync(from).isDirectory()) fs.cpSync(from, store, { recursive: true });
    else {
      fs.mkdirSync(store);
      fs.copyFileSync(from, path.join(store, path.basename(from)));
    }
    uploaded[name] = store;
    return undefined;
  }
  if (!fs.existsSync(store)) return `download-artifact: Artifact not found for name: ${name}`;
  const to = where(withs.path);
  fs.mkdirSync(to, { recursive: true });
  fs.cpSync(store, to, { recursive: true });
  return undefined;
}

/** The inputs the SLSA generic generator's reusable workflow declares (v2.1.0). */
const SLSA_INPUTS = new Set([
  'base64-subjects',
  'base64-subjects-as-file',
  'upload-assets',
  'upload-tag-name',
  'provenance-name',
  'private-repository',
  'continue-on-error',
  'draft-release',
]);

/** Stand-in of the SLSA generator's reusable workflow (see the file comment); returns its outputs. */
function slsaGenerator(
  id: string,
  job: Obj,
  uses: string,
  withs: { [key: string]: string },
  folders: RunFolders,
  options: RunnerOptions,
  event: WorkflowEvent,
): { [key: string]: string } {
  const fail = (message: string) => {
    throw new WorkflowStepError(id, `SLSA generator (${uses})`, 1, '', message);
  };
  const permissions = (job.permissions ?? {}) as Obj;
  for (const [scope, level] of [
    ['actions', 'read'],
    ['id-token', 'write'],
    ['contents', 'write'],
  ]) {
    if (permissions[scope] !== level) fail(`the generator needs permissions ${scope}: ${level}, the caller gives ${String(permissions[scope] ?? 'none')}`);
  }
  const unknown = Object.keys(withs).filter((k) => !SLSA_INPUTS.has(k));
  if (unknown.length > 0) fail(`the generator has no input ${unknown.join(', ')}`);
  if (withs['upload-assets'] === 'true') fail('upload-assets: true is not supported by the e2e stand-in');
  const lines = Buffer.from(withs['base64-subjects'] ?? '', 'base64')
    .toString('utf-8')
    .split('\n')
    .filter((l) => l !== '');
  if (lines.length === 0) fail('base64-subjects: no subjects');
  const subject = lines.map((line) => {
    const m = /^([0-9a-f]{64}) [ *]?(.+)$/.exec(line);
    if (!m) return fail(`base64-subjects: not sha256sum output: ${JSON.stringify(line)}`);
    return { name: m[2], digest: { sha256: m[1] } };
  });
  const tag = uses.slice(uses.indexOf('@') + 1);
  if (!/^v\d+\.\d+\.\d+$/.test(tag)) fail(`the generator must be called by a release tag vX.Y.Z, not ${tag}`);
  const source = `git+https://github.com/${options.repository}@${event.ref}`;
  const statement = {
    _type: 'https://in-toto.io/Statement/v0.1',
    predicateType: 'https://slsa.dev/provenance/v0.2',
    subject,
    predicate: {
      builder: { id: `https://github.com/${SLSA_GENERATOR}@refs/tags/${tag}` },
      buildType: 'https://github.com/slsa-framework/slsa-github-generator/generic@v1',
      invocation: {
        configSource: { uri: source, digest: { sha1: event.sha }, entryPoint: options.workflowFile ?? '' },
        parameters: {},
        environment: { github_event_name: event.name, github_ref: event.ref, github_sha1: event.sha, github_repository: options.repository },
      },
      metadata: {
        buildInvocationID: `e2e-${path.basename(folders.root)}`,
        completeness: { parameters: true, environment: false, materials: false },
        reproducible: false,
      },
      materials: [{ uri: source, digest: { sha1: event.sha } }],
    },
  };
  const name = withs['provenance-name'] || (subject.length === 1 ? `${subject[0].name}.intoto.jsonl` : 'multiple.intoto.jsonl');
  const envelope = { payloadType: 'application/vnd.in-toto+json', payload: Buffer.from(JSON.stringify(statement)).toString('base64'), signatures: [] };
  const store = path.join(folders.artifacts, name);
  if (fs.existsSync(store)) fail(`an artifact named ${name} already exists in this run`);
  fs.mkdirSync(store);
  fs.writeFileSync(path.join(store, name), `${JSON.stringify(envelope)}\n`);
  return { 'provenance-name': name };
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
    event: {
      repository: { full_name: options.repository, private: false },
      ...(pr
        ? {
            pull_request: {
              number: pr.number,
              merged: pr.merged,
              merge_commit_sha: pr.mergeCommitSha,
              labels: pr.labels.map((name) => ({ name })),
              head: { ref: pr.headRef, repo: { full_name: pr.headRepo } },
            },
          }
        : {}),
    },
  };
  const inputs: Value = event.name === 'workflow_dispatch' ? { ...dispatchDefaults(workflow), ...event.inputs } : {};
  const secrets: Value = { GITHUB_TOKEN: options.token, ...options.secrets };
  const vars: Value = { ...options.vars };
  const pending = [...(options.substitutions ?? [])];
  const folders = runFolders(options.runnerTemp);

  const results = new Map<string, JobRun>();
  const runs = () => [...results.values()];
  for (const [id, jobValue] of Object.entries(workflow.jobs as Obj)) {
    const job = jobValue as Obj;
    const needs = job.needs === undefined ? [] : Array.isArray(job.needs) ? (job.needs as string[]) : [job.needs as string];
    for (const n of needs) if (!results.has(n)) throw new Error(`workflow job ${id} needs ${n}, which is not declared before it`);
    const needsContext: Value = Object.fromEntries(needs.map((n) => [n, { result: results.get(n)!.result, outputs: results.get(n)!.outputs }]));
    const status: Value = { success: needs.every((n) => results.get(n)!.result === 'success'), failure: false };
    const jobDir = path.join(folders.root, id);
    const temp = path.join(jobDir, 'temp');
    const runner: Value = { temp, os: 'Linux' };
    const hasCheckout = ((job.steps ?? []) as Obj[]).some((st) => /^actions\/checkout@/.test(String(st.uses ?? '')));
    const cwd = hasCheckout ? options.workdir : path.join(jobDir, 'workspace');
    const context = { github: { ...(github as Obj), workspace: cwd } as Value, inputs, secrets, vars, runner, needs: needsContext, __status: status };
    const condition = job.if === undefined ? undefined : String(job.if);
    const ran =
      condition !== undefined && hasStatusFunction(condition)
        ? evaluateCondition(condition, context)
        : status.success && (condition === undefined || evaluateCondition(condition, context));
    if (!ran) {
      results.set(id, { id, result: 'skipped', steps: [], outputs: {}, artifacts: {}, ms: 0 });
      continue;
    }
    const permissions = job.permissions as Obj | undefined;
    const started = Date.now();
    if (job.uses !== undefined) {
      const uses = String(job.uses);
      if (!uses.startsWith(`${SLSA_GENERATOR}@`)) throw new Error(`workflow job ${id}: the e2e runner has no stand-in for the reusable workflow ${uses}`);
      const withs = stringMap(job.with, context);
      const outputs = slsaGenerator(id, job, uses, withs, folders, options, event);
      const provenance = outputs['provenance-name'];
      const result: JobRun = {
        id,
        result: 'success',
        permissions,
        steps: [],
        outputs,
        uses,
        with: withs,
        artifacts: { [provenance]: path.join(folders.artifacts, provenance) },
        ms: Date.now() - started,
      };
      results.set(id, result);
      options.afterJob?.(id, result);
      continue;
    }
    fs.mkdirSync(temp, { recursive: true });
    fs.mkdirSync(cwd, { recursive: true });
    const machine = options.jobEnv ? options.jobEnv(id, options.env, { temp, checkout: hasCheckout }) : options.env;
    const runnerEnv: NodeJS.ProcessEnv = {
      ...machine,
      PATH: `${folders.bin}${path.delimiter}${machine.PATH ?? ''}`,
      RUNNER_TEMP: temp,
      GITHUB_WORKSPACE: cwd,
      NX_UV_E2E_GH_LOG: folders.ghLog,
    };
    if (permissions?.['id-token'] === 'write') {
      runnerEnv.ACTIONS_ID_TOKEN_REQUEST_URL = `http://127.0.0.1:9/e2e-no-oidc/${id}`;
      runnerEnv.ACTIONS_ID_TOKEN_REQUEST_TOKEN = `e2e-oidc-request-${id}`;
    }
    const jobEnv = stringMap(job.env, context);
    const steps: StepRun[] = [];
    const stepsContext: { [id: string]: Value } = {};
    const artifacts: JobRun['artifacts'] = {};
    const current: JobRun = { id, result: 'success', permissions, steps, outputs: {}, artifacts, ms: 0 };
    const failed = (name: string, status: number | null, stdout: string, stderr: string): WorkflowStepError => {
      const error = new WorkflowStepError(id, name, status, stdout, stderr);
      current.ms = Date.now() - started;
      error.jobs = [...runs(), current];
      return error;
    };
    for (const [index, stepValue] of (job.steps as Obj[]).entries()) {
      const name = String(stepValue.name ?? `step ${index}`);
      const stepId = stepValue.id === undefined ? undefined : String(stepValue.id);
      const stepContext = { ...context, steps: stepsContext };
      const record = (step: StepRun) => {
        steps.push(step);
        if (stepId !== undefined)
          stepsContext[stepId] = {
            outputs: step.outputs,
            outcome: step.status === 'off' ? 'skipped' : 'success',
            conclusion: step.status === 'off' ? 'skipped' : 'success',
          };
      };
      const base = { name, ...(stepId === undefined ? {} : { id: stepId }), traced: [], outputs: {}, gh: [] };
      if (stepValue.if !== undefined && !evaluateCondition(String(stepValue.if), stepContext)) {
        record({ ...base, status: 'off', ...(stepValue.uses === undefined ? {} : { uses: String(stepValue.uses) }) });
        continue;
      }
      if (stepValue.uses !== undefined) {
        const uses = String(stepValue.uses);
        const withs = stringMap(stepValue.with, stepContext);
        if (/^actions\/checkout@/.test(uses)) {
          if (withs['fetch-depth'] !== '0') throw new Error(`workflow job ${id}: checkout without fetch-depth 0 (tags and history are needed)`);
          options.checkout(withs.ref || undefined, { event });
        } else if (/^actions\/(upload|download)-artifact@/.test(uses)) {
          const error = artifactAction(uses, withs, folders, cwd, artifacts);
          if (error !== undefined) throw failed(name, 1, '', error);
        } else if (!PROVIDED_ACTIONS.some((re) => re.test(uses))) {
          throw new Error(`workflow job ${id}, step "${name}": the e2e runner has no stand-in for ${uses}`);
        }
        record({ ...base, status: 'provided', uses, with: withs });
        continue;
      }
      let script = String(stepValue.run);
      if (script.trim() === 'npm ci') {
        record({ ...base, status: 'provided', script });
        continue;
      }
      for (const sub of pending.filter((s) => s.job === id && s.step === name)) {
        const count = script.split(sub.from).length - 1;
        if (count !== 1)
          throw new Error(`workflow job ${id}, step "${name}": expected ${JSON.stringify(sub.from)} once in its script, found it ${count} times:\n${script}`);
        script = script.replace(sub.from, sub.to);
      }
      const file = path.join(jobDir, `step-${index}.sh`);
      fs.writeFileSync(file, script);
      const commandFiles = Object.fromEntries(
        ['GITHUB_OUTPUT', 'GITHUB_ENV', 'GITHUB_PATH', 'GITHUB_STEP_SUMMARY'].map((v) => [v, path.join(jobDir, `step-${index}.${v.toLowerCase()}`)]),
      );
      for (const f of Object.values(commandFiles)) fs.writeFileSync(f, '');
      const env: NodeJS.ProcessEnv = { ...runnerEnv, ...commandFiles, ...jobEnv, ...stringMap(stepValue.env, stepContext) };
      const ghBefore = fs.existsSync(folders.ghLog) ? fs.readFileSync(folders.ghLog, 'utf8').length : 0;
      const proc = await runScript(file, cwd, env);
      const { stdout, stderr } = proc;
      if (proc.status !== 0) throw failed(name, proc.status, stdout, stderr);
      for (const v of ['GITHUB_ENV', 'GITHUB_PATH']) {
        if (fs.readFileSync(commandFiles[v], 'utf8') !== '') throw new Error(`workflow job ${id}, step "${name}": the e2e runner does not support $${v}`);
      }
      const gh = fs.existsSync(folders.ghLog)
        ? fs
            .readFileSync(folders.ghLog, 'utf8')
            .slice(ghBefore)
            .split('\n')
            .filter((l) => l !== '')
            .map((l) => JSON.parse(l) as string[])
        : [];
      const outputs = parseOutputFile(fs.readFileSync(commandFiles.GITHUB_OUTPUT, 'utf8'));
      record({ ...base, status: 'ran', script, env, stdout, stderr, traced: tracedCommands(stderr), outputs, gh });
    }
    current.outputs = stringMap(job.outputs, { ...context, steps: stepsContext });
    current.ms = Date.now() - started;
    results.set(id, current);
    options.afterJob?.(id, current);
  }
  return runs();
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
