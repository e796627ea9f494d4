/**
 * What the release specs check about the jobs that keep the release honest (issue 14), on the runs of
 * workflow-runner.ts: the build job held no credential, publish checked the built files' digests, the
 * provenance names exactly the built files and is attached to the GitHub Releases, the smoke test
 * imported every released package.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { filesUnder, type JobRun } from './workflow-runner';

export const PROVENANCE_NAME = 'release-python.intoto.jsonl';
export const DISTS_ARTIFACT = 'release-python-dists';

function job(jobs: JobRun[], id: string): JobRun {
  const found = jobs.find((j) => j.id === id);
  if (!found || found.result !== 'success') throw new Error(`job ${id} did not run`);
  return found;
}

/**
 * Problems with the build job's credentials: any step environment holding one of `secrets` (by value),
 * an OIDC request variable (what `id-token: write` gives), or a token variable; and its permissions
 * beyond `contents: read`. Empty when it held none. The publish job's environment is checked to hold
 * the OIDC variables, so the check can see them where they are.
 */
export function buildJobCredentials(jobs: JobRun[], secrets: string[]): string[] {
  const problems: string[] = [];
  const build = job(jobs, 'build');
  if (JSON.stringify(build.permissions) !== JSON.stringify({ contents: 'read' })) problems.push(`permissions ${JSON.stringify(build.permissions)}`);
  const ran = build.steps.filter((s) => s.status === 'ran');
  if (ran.length === 0) problems.push('no step ran');
  for (const step of ran) {
    for (const [key, value] of Object.entries(step.env ?? {})) {
      if (/^ACTIONS_ID_TOKEN_REQUEST_|^(GITHUB_TOKEN|GH_TOKEN|UV_PUBLISH_TOKEN|UV_PUBLISH_PASSWORD|TESTPYPI_TOKEN|ACTIONS_RUNTIME_TOKEN)$/.test(key))
        problems.push(`${step.name}: ${key}`);
      if (value && secrets.includes(value)) problems.push(`${step.name}: ${key} holds a secret`);
    }
  }
  const publishStep = job(jobs, 'publish').steps.find((s) => s.status === 'ran');
  if (!publishStep?.env?.ACTIONS_ID_TOKEN_REQUEST_TOKEN) problems.push('(the publish job has no OIDC variables either: the check sees nothing)');
  return problems;
}

/** The files the build job put in the artifact (repository paths), with their bytes' folder. */
export function builtArtifact(jobs: JobRun[]): { dir: string; files: string[] } {
  const dir = job(jobs, 'build').artifacts[DISTS_ARTIFACT];
  if (!dir) throw new Error(`the build job uploaded no artifact ${DISTS_ARTIFACT}`);
  return { dir, files: filesUnder(dir) };
}

/** The build job's `digests` output, decoded: repository path → sha256. */
export function buildDigests(jobs: JobRun[]): Record<string, string> {
  const text = Buffer.from(job(jobs, 'build').outputs.digests ?? '', 'base64').toString('utf8');
  return Object.fromEntries(
    text
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => {
        const m = /^([0-9a-f]{64}) {2}(.+)$/.exec(l);
        if (!m) throw new Error(`not sha256sum output: ${l}`);
        return [m[2], m[1]];
      }),
  );
}

/** The provenance the generator stand-in made: the file's bytes and its in-toto statement. */
export function provenance(jobs: JobRun[]): {
  bytes: Buffer;
  statement: { _type: string; predicateType: string; subject: { name: string; digest: { sha256: string } }[]; predicate: { builder: { id: string } } };
} {
  const prov = job(jobs, 'provenance');
  const name = prov.outputs['provenance-name'];
  const bytes = fs.readFileSync(path.join(prov.artifacts[name], name));
  const envelope = JSON.parse(bytes.toString('utf8')) as { payloadType: string; payload: string };
  if (envelope.payloadType !== 'application/vnd.in-toto+json') throw new Error(`not an in-toto envelope: ${envelope.payloadType}`);
  return { bytes, statement: JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8')) };
}

/** `name version: import module: ok` lines of the smoke test: distribution → modules imported. */
export function smokeTestImports(jobs: JobRun[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const text = job(jobs, 'smoke-test')
    .steps.map((s) => `${s.stdout ?? ''}${s.stderr ?? ''}`)
    .join('\n');
  for (const m of text.matchAll(/^(\S+) (\S+): import (\S+): ok$/gm)) (out[`${m[1]}==${m[2]}`] ??= []).push(m[3]);
  return out;
}
