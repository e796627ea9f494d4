/**
 * Target inference: which Nx targets a uv member (or the uv workspace project) gets, with their
 * executor, caching, inputs, outputs, dependsOn and metadata. Pure.
 */
import type { TargetConfiguration } from '@nx/devkit';
import type { TargetKey } from '../options';
import { memberProjectName, type ResolvedGraphOptions } from './plugin-options';
import type { SlimMember } from './projects';

export interface TargetContext {
  options: ResolvedGraphOptions;
  /** `production` when nx.json defines that named input, else `default`. */
  namedInput: string;
  /** The uv workspace root relative to the Nx workspace root, POSIX; `.` when they are the same. */
  uvRoot: string;
}

export const TECHNOLOGIES = ['python', 'uv'];
export const RELEASE_TARGET_GROUP = 'release';

/**
 * The target `nx release publish` runs on every project of the release, by this exact name (Nx's
 * convention); inferred on package members after the others, hidden executor.
 */
export const NX_RELEASE_PUBLISH_TARGET = 'nx-release-publish';

/** Member targets in the order they are emitted (then NX_RELEASE_PUBLISH_TARGET). */
export const MEMBER_TARGET_KEYS: TargetKey[] = ['version', 'tag', 'pin', 'build', 'publish'];
/** Workspace-level targets, carried by the uv root project. */
export const WORKSPACE_TARGET_KEYS: TargetKey[] = ['releasePlan', 'releasePr', 'notify'];

const EXECUTOR: Record<TargetKey, string> = {
  version: 'nx-uv:version',
  tag: 'nx-uv:tag',
  pin: 'nx-uv:pin',
  build: 'nx-uv:build',
  publish: 'nx-uv:publish',
  releasePlan: 'nx-uv:release-plan',
  releasePr: 'nx-uv:release-pr',
  notify: 'nx-uv:notify',
};

const DESCRIPTION: Record<TargetKey, string> = {
  version: 'Bump the PEP 440 version from Conventional Commits, write the changelog, update dependents and uv.lock',
  tag: 'Create the release tag and the GitHub Release of this package',
  pin: 'Pin internal requirements to the exact versions being released (journalled; --restore puts them back)',
  build: 'Build the sdist and wheel with uv build, internal requirements pinned',
  publish: 'Upload the built files with uv publish and wait until the index serves them',
  releasePlan: 'Print the release plan of the whole uv workspace',
  releasePr: 'Apply the release plan on a release branch and open or update the release pull request',
  notify: 'Send repository_dispatch to downstream repositories with the released packages',
};

/**
 * The example options of each target's help, a fresh object on every call (Nx may merge metadata of
 * several plugins into the objects it is given).
 */
function helpExample(key: TargetKey, outputPath: string): Record<string, unknown> {
  switch (key) {
    case 'version':
      return { bumpType: 'minor', dryRun: true };
    case 'tag':
      return { dryRun: true };
    case 'pin':
      return { restore: true };
    case 'build':
      return { outputPath };
    case 'publish':
      return { target: 'testpypi', dryRun: true };
    case 'releasePlan':
      return { json: true };
    case 'releasePr':
      return { dryRun: true, baseBranch: 'main' };
    case 'notify':
      return { dryRun: true };
  }
}

/**
 * The toolchain inputs of a build, so that a cache shared by many machines (Nx Cloud, a self-hosted
 * remote cache) never serves a build made by another uv: Nx runs `uv --version` when it hashes the
 * task (once per run, not while building the graph), and hashes NX_UV_UV_PATH, which names the uv
 * the executor runs instead of the one on PATH. The member's build requirements (`[build-system]
 * requires`) are in its pyproject.toml, already an input through the named input.
 */
export const UV_VERSION_INPUT = 'uv --version';
export const UV_PATH_ENV_INPUT = 'NX_UV_UV_PATH';

/** `{workspaceRoot}/<uvRoot>/<file>` with no `./` segment when the uv root is the Nx root. */
export function workspaceFileToken(uvRoot: string, file: string): string {
  return uvRoot === '.' || uvRoot === '' ? `{workspaceRoot}/${file}` : `{workspaceRoot}/${uvRoot}/${file}`;
}

function metadata(key: TargetKey, project: string, targetName: string, outputPath: string) {
  return {
    technologies: TECHNOLOGIES.slice(),
    description: DESCRIPTION[key],
    help: { command: `npx nx run ${project}:${targetName} --help`, example: { options: helpExample(key, outputPath) } },
  };
}

/**
 * `{ dependsOn }` of a release target: its own `first` target (the build), then the same target of
 * the members this one requires at runtime, forwarding the command-line options (`nx run a:publish
 * --dryRun --target=testpypi` must not do a real upload of `a`'s dependencies to PyPI). Only required
 * runtime dependencies order release tasks: an extra that lists a plugin which itself requires this
 * package (the usual plugin ecosystem) is no order, and following every graph edge (`^publish`) would
 * make such a workspace a task cycle. `{}` when there is nothing to wait for (no empty key).
 */
function releaseDependsOn(first: string | undefined, target: string, runtimeProjects: string[] | undefined) {
  const dependsOn: (string | { target: string; projects: string[]; params: 'forward' })[] = [];
  if (first) dependsOn.push(first);
  if (runtimeProjects) dependsOn.push({ target, projects: runtimeProjects.slice(), params: 'forward' });
  return dependsOn.length > 0 ? { dependsOn } : {};
}

/**
 * A version derived from git tags changes with HEAD and the tags on it (`1.3.0` at its tag,
 * `1.3.1.dev2+g…` two commits later) with no file changing: Nx runs these when it hashes the build.
 */
const VCS_VERSION_INPUTS = [{ runtime: 'git rev-parse HEAD' }, { runtime: 'git tag --points-at HEAD' }];

/**
 * What the targets of every member of a workspace share, worked out once per context (a large
 * workspace has thousands of members, and a first run builds their targets before any JIT has).
 */
interface MemberTargetPlan {
  names: Record<TargetKey, string | undefined>;
  out: string;
  buildInputs: string[];
  buildOutput: string;
  withNxReleasePublish: boolean;
}

const plans = new WeakMap<TargetContext, MemberTargetPlan>();

function memberTargetPlan(ctx: TargetContext): MemberTargetPlan {
  let plan = plans.get(ctx);
  if (plan === undefined) {
    const names = ctx.options.targetNames;
    const out = ctx.options.buildOutputPath;
    plan = {
      names,
      out,
      buildInputs: [
        ctx.namedInput,
        `^${ctx.namedInput}`,
        `!{projectRoot}/${out}/**/*`,
        // The build's audit reads from uv.lock the dependencies a metadata hook computes.
        workspaceFileToken(ctx.uvRoot, 'uv.lock'),
        // [tool.uv] of the root: sources, indexes, build constraints.
        workspaceFileToken(ctx.uvRoot, 'pyproject.toml'),
      ],
      buildOutput: `{projectRoot}/${out}`,
      // Not renamable (Nx looks it up by name); left out when the user gave one of ours that name.
      withNxReleasePublish: !Object.values(names).includes(NX_RELEASE_PUBLISH_TARGET),
    };
    plans.set(ctx, plan);
  }
  return plan;
}

/**
 * The release targets of one member; none for `package = false` members and virtual roots; no
 * `version`, `tag`, `publish` or `nx-release-publish` for one kept from publishing (`noPublish`).
 */
export function inferMemberTargets(
  member: Pick<SlimMember, 'isPackage' | 'runtimeDeps' | 'outsideNx' | 'versionFromTags'>,
  project: string,
  ctx: TargetContext,
  noPublish = false,
): Record<string, TargetConfiguration> {
  const targets: Record<string, TargetConfiguration> = {};
  if (!member.isPackage) return targets;
  const { names, out, buildInputs, buildOutput, withNxReleasePublish } = memberTargetPlan(ctx);
  const template = ctx.options.projectName;
  const runtimeProjects = member.runtimeDeps?.map((dep) => memberProjectName(template, dep));
  const version = noPublish ? undefined : names.version;
  const tag = noPublish ? undefined : names.tag;
  const pin = names.pin;
  const build = names.build;
  const publish = noPublish ? undefined : names.publish;

  if (version) {
    targets[version] = {
      executor: EXECUTOR.version,
      cache: false,
      ...releaseDependsOn(undefined, version, runtimeProjects),
      metadata: metadata('version', project, version, out),
    };
  }
  if (tag) targets[tag] = { executor: EXECUTOR.tag, cache: false, metadata: metadata('tag', project, tag, out) };
  if (pin) targets[pin] = { executor: EXECUTOR.pin, cache: false, metadata: metadata('pin', project, pin, out) };
  if (build) {
    targets[build] = {
      executor: EXECUTOR.build,
      // Nx sees none of the files of a member behind a symlink, so it could not tell when to rebuild.
      cache: member.outsideNx !== true,
      inputs: [...buildInputs, { runtime: UV_VERSION_INPUT }, { env: UV_PATH_ENV_INPUT }, ...(member.versionFromTags ? VCS_VERSION_INPUTS : [])],
      outputs: [buildOutput],
      options: { outputPath: out },
      metadata: metadata('build', project, build, out),
    };
  }
  if (publish) {
    targets[publish] = {
      executor: EXECUTOR.publish,
      cache: false,
      ...releaseDependsOn(build, publish, runtimeProjects),
      metadata: metadata('publish', project, publish, out),
    };
  }
  if (withNxReleasePublish && !noPublish) {
    targets[NX_RELEASE_PUBLISH_TARGET] = {
      executor: 'nx-uv:nx-release-publish',
      cache: false,
      ...releaseDependsOn(build, NX_RELEASE_PUBLISH_TARGET, runtimeProjects),
      metadata: {
        technologies: TECHNOLOGIES.slice(),
        description: 'What `nx release publish` runs: upload the built files with uv publish (never on a dry run) and wait until served',
        help: {
          command: `npx nx run ${project}:${NX_RELEASE_PUBLISH_TARGET} --help`,
          example: { options: { index: 'testpypi', dryRun: true } },
        },
      },
    };
  }
  return targets;
}

/** The `tag` target of a uv root project that is no package: it makes only the umbrella tag. */
export function inferUmbrellaTagTarget(project: string, ctx: TargetContext): TargetConfiguration {
  const name = ctx.options.targetNames.tag!;
  return { executor: EXECUTOR.tag, cache: false, metadata: metadata('tag', project, name, ctx.options.buildOutputPath) };
}

/** The workspace-level targets (release-plan, release-pr, notify) of the uv root project. */
export function inferWorkspaceTargets(project: string, ctx: TargetContext): Record<string, TargetConfiguration> {
  const targets: Record<string, TargetConfiguration> = {};
  for (const key of WORKSPACE_TARGET_KEYS) {
    const name = ctx.options.targetNames[key];
    if (name) {
      targets[name] = { executor: EXECUTOR[key], cache: false, metadata: metadata(key, project, name, ctx.options.buildOutputPath) };
    }
  }
  return targets;
}

/** `metadata.targetGroups` for a project with these targets (empty groups left out). */
export function targetGroupsFor(targets: Record<string, TargetConfiguration>): Record<string, string[]> {
  const names = Object.keys(targets);
  return names.length > 0 ? { [RELEASE_TARGET_GROUP]: names } : {};
}
