/** The options a user gives the plugin in nx.json (`plugins: [{ plugin: "nx-uv", options }]`). */
export interface NxUvPluginOptions {
  /**
   * Template of the Nx project name; `{name}` is the PEP 503 normalised distribution name.
   * Default `{name}`.
   */
  projectName?: string;
  /** Name of the Nx project for a virtual uv workspace root. Default `uv-workspace`. */
  workspaceProjectName?: string;
  /** Names of the inferred targets; set one to `false` to infer no such target. */
  targetNames?: Partial<Record<TargetKey, string | false>>;
  /** Git tag of a package release; `{name}` and `{version}` (PEP 440 normalised). Default `{name}-v{version}`. */
  tagFormat?: string;
  /** Folder (relative to the project root) where `build` writes sdist and wheel. Default `dist`. */
  buildOutputPath?: string;
  /**
   * Whether optional dependencies (extras) that name a member become project graph edges. Default
   * true (what uv says). `false` leaves them out: in a plugin ecosystem (the core lists its plugins as
   * extras) touching one plugin then no longer marks every other plugin affected through the core,
   * but `nx affected` also misses the core when only a plugin its extras name changed. Release order
   * never follows extras either way.
   */
  optionalDependencyEdges?: boolean;
  /**
   * Bumps of 0.x versions from Conventional Commits: `features-minor` (default: feat and breaking
   * changes → minor, fix → patch), `cargo` (breaking → minor, feat and fix → patch) or `semver`
   * (breaking → 1.0.0).
   */
  zeroMajorPolicy?: 'features-minor' | 'cargo' | 'semver';
  /** `true`: a breaking change on 0.x releases 1.0.0 (the same as `zeroMajorPolicy: "semver"`). */
  majorOnZero?: boolean;
  /**
   * Members never versioned, tagged or published (samples, internal tools), still built and tested:
   * Nx project name globs or `tag:<nx tag>`. The same as `[tool.nx-uv] publish = false` in the member.
   */
  publishExclude?: string[];
  /** Members kept out of version bumps (never released by the plan), still published as they are. */
  bumpExclude?: string[];
  /**
   * The last commit before nx-uv was adopted: a package without a release tag counts its commits from
   * there (from the version in its files) instead of releasing that version unchanged.
   */
  bootstrapSha?: string;
  /**
   * Which commit types appear in changelogs, under which headings, and which are hidden, as
   * release-please's `changelog-sections`: `[{ "type": "feat", "section": "Features" },
   * { "type": "docs", "section": "Documentation" }, { "type": "chore", "section": "Chores", "hidden": true }]`.
   * Default: feat, fix, perf, revert. Breaking changes and dependency updates always have their own.
   */
  changelogSections?: { type: string; section: string; hidden?: boolean }[];
  /** The label of a release PR waiting for its release (`release-pr` sets it, `tag` looks for it). Default `autorelease: pending`. */
  releaseLabel?: string;
  /** Named release groups: projects by Nx name pattern (glob) or by `tag:<nx tag>`. */
  groups?: Record<string, ReleaseGroupOptions>;
  /**
   * One more tag and GitHub Release for each workspace release, beside the packages' tags:
   * `{version}` once, no `{name}` (`py/v{version}`). Made by the `tag` target of the uv root
   * project, after every package's. Its version line: see release/umbrella.ts.
   */
  umbrellaTag?: string;
}

export interface ReleaseGroupOptions {
  /** Nx project name globs or `tag:<nx tag>`. */
  projects: string[];
  /**
   * `independent` (default): each member has its own version and tag. `fixed`: the members always
   * share one version (lockstep); any change bumps them all, the highest bump wins, and one tag
   * (`tagFormat` of the group) marks each release of the group.
   */
  relationship?: 'fixed' | 'independent';
  /**
   * The tag of a release of a fixed group: `{version}` once, `{name}` at most once (then the name of
   * the `lead` member): `v{version}`, `py/v{version}`, `python-{version}`, `{name}@{version}`.
   * Default `{name}-v{version}` with the lead's name.
   */
  tagFormat?: string;
  /** The member (Nx project name) whose name `{name}` stands for and whose `tag` target creates the group's tag and GitHub Release. Default: the first member by name. */
  lead?: string;
  /**
   * A fixed group's release also tags each member with the plugin's `tagFormat`
   * (`pkg-a-v1.7.0`, …) beside the group's tag, for tools that look for per-package tags. The one
   * GitHub Release stays on the group's tag. Default false.
   */
  packageTags?: boolean;
}

export type TargetKey = 'version' | 'tag' | 'pin' | 'build' | 'publish' | 'releasePlan' | 'releasePr' | 'notify';

export const DEFAULT_TARGET_NAMES: Record<TargetKey, string> = {
  version: 'version',
  tag: 'tag',
  pin: 'pin',
  build: 'build',
  publish: 'publish',
  releasePlan: 'release-plan',
  releasePr: 'release-pr',
  notify: 'notify',
};

export const DEFAULT_PROJECT_NAME = '{name}';
export const DEFAULT_TAG_FORMAT = '{name}-v{version}';
export const DEFAULT_BUILD_OUTPUT = 'dist';
export const DEFAULT_WORKSPACE_PROJECT_NAME = 'uv-workspace';
