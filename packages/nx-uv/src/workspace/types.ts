/**
 * The uv workspace model: what uv itself would say the members and their internal edges are.
 * Pure data. Paths are POSIX and relative to the uv workspace root unless named `abs*`.
 */

/** A PEP 508 requirement as written in a pyproject.toml array. */
export interface Requirement {
  /** The exact string from the TOML array. */
  raw: string;
  /** The distribution name as written (`Pkg_A`). */
  name: string;
  /** PEP 503 normalised name (`pkg-a`). */
  normalizedName: string;
  /** Extras as written, in order (`["x", "y"]`). */
  extras: string[];
  /**
   * Version specifiers in written order with all whitespace (and the optional parentheses) removed:
   * `foo ( >= 1.0 , < 2 )` → `>=1.0,<2`; '' when none (always '' when `url` is set).
   */
  specifier: string;
  /** Direct reference (`name @ url`), when present. */
  url?: string;
  /** Environment marker after `;`, trimmed, when present. */
  marker?: string;
}

/** Where an internal dependency is declared. */
export type DependencyKind = 'runtime' | 'optional' | 'group' | 'dev';

export interface InternalDependency {
  /** Normalised name of the member that is depended on. */
  target: string;
  kind: DependencyKind;
  /**
   * The TOML key path of the array that holds it: `project.dependencies`,
   * `project.optional-dependencies.<extra>`, `dependency-groups.<group>`, `tool.uv.dev-dependencies`.
   */
  section: string;
  requirement: Requirement;
  /**
   * Read from uv.lock, not from the pyproject.toml: the member lists the field in `dynamic` (a metadata
   * hook computes it). Such a requirement orders and bumps like any other, but there is no string in
   * the file to edit or pin.
   */
  locked?: true;
}

export type VersionSource =
  /** `[project] version = "…"`; `file` is the pyproject.toml, relative to the workspace root. */
  | { kind: 'static'; version: string; file: string }
  /**
   * `dynamic = ["version"]` with `[tool.hatch.version] path = "…"`; `file` is that file (relative to
   * the workspace root); `pattern` is the custom `[tool.hatch.version] pattern`, when one is set
   * (see `findHatchVersion` for the exact spot hatch rewrites).
   */
  | { kind: 'hatch-file'; version: string; file: string; pattern?: string }
  /**
   * Derived from git tags by a VCS version plugin (`plugin`: hatch-vcs, setuptools-scm,
   * uv-dynamic-versioning, …): no file holds it. nx-uv's tag is what makes the version; `fallback` is
   * the plugin's fallback version, when one is set. `file` is the pyproject.toml.
   */
  | { kind: 'vcs'; plugin: string; file: string; fallback?: string }
  /** Dynamic and not readable from a file (a plugin, code execution, …): reported, never guessed. */
  | { kind: 'dynamic'; reason: string }
  /** No `[project]` table: a virtual workspace root. */
  | { kind: 'none' };

export interface Member {
  /** PEP 503 normalised distribution name; for a virtual root, '' (it has none). */
  name: string;
  /** `[project].name` as written. */
  distributionName: string;
  /** Directory relative to the workspace root; '.' for the root itself. */
  root: string;
  /** `<root>/pyproject.toml`, relative to the workspace root. */
  pyprojectPath: string;
  isWorkspaceRoot: boolean;
  /**
   * Whether uv treats it as a package (built, installed, publishable), exactly as uv decides:
   * `[tool.uv] package` when set, otherwise whether `[build-system]` is declared (uv locks a project
   * without one as `virtual`). Always false for a virtual root. Non-packages are never built or published.
   */
  isPackage: boolean;
  version: VersionSource;
  /** Internal dependencies only, in file order (then those read from uv.lock, see `locked`). */
  dependencies: InternalDependency[];
  /** `dependencies` / `optional-dependencies` when `[project].dynamic` lists them. */
  dynamicDependencyFields?: string[];
  /** `[tool.nx-uv] publish = false`: built and tested, never versioned, tagged or published. */
  publish?: false;
}

export interface UvWorkspace {
  /** Absolute path of the directory that holds the root pyproject.toml with `[tool.uv.workspace]`. */
  absRoot: string;
  /** The root has no `[project]` table. */
  virtual: boolean;
  /** Every member, sorted by `name`; a project root (non-virtual) is included as a member. */
  members: Member[];
  /** The virtual root, when `virtual` (not a member; carries workspace-level targets in Nx). */
  virtualRoot?: Member;
  /** What the model could not take from the files and says so (dynamic dependencies uv.lock lacks). */
  warnings?: string[];
}

/** Raised for any input uv would reject or that nx-uv cannot model. */
export class UvWorkspaceError extends Error {
  constructor(
    message: string,
    /** The file at fault, relative to the workspace root or absolute. */
    readonly file?: string,
    readonly line?: number,
  ) {
    super(message);
    this.name = 'UvWorkspaceError';
  }
}
