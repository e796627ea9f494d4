/**
 * Nx Release for uv workspace members: `"versionActions": "nx-uv/src/nx-release/version-actions"` in
 * nx.json `release.version` (or a release group). Nx loads this module once per process and expects
 * a default export (the class) and a named `afterAllProjectsVersioned`. The class is thin: every
 * decision is made by the core the nx-uv executors use (PEP 440 versions, never npm semver's
 * `1.3.0-rc.0`; file edits that keep comments and layout; one `uv lock` per workspace, after-all.ts).
 */
import { DependencyType, logger, type ProjectGraph, type ProjectGraphDependency, type Tree } from '@nx/devkit';
import { VersionActions } from 'nx/release';
import { joinPosix } from '../posix-path';
import { PUBLISHED_DEPENDENCY_KINDS } from '../workspace';
import { compareVersions, isValidVersion, normalizeVersion } from '../versioning';
import { createAfterAllProjectsVersioned } from './after-all';
import { currentVersionOf, requirementEdits, requirementUpdatesForRelease, requirementUpdatesOfMember, versionFileEdit, type FileEdit } from './manifest-edits';
import { isRelativeKeyword, newVersionLogText, pep440NewVersion, reconcileTagVersion } from './new-version';
import { readRegistryVersion, registryLookupOptions } from './registry-version';
import { bumpedVersion, recordBump, recordTouchedRoot } from './run-state';
import {
  applyToTreeWorkspace,
  diskWorkspace,
  memberOfProject,
  memberOfProjectName,
  projectNamesOfMembers,
  treeReader,
  treeWorkspace,
  type UvReleaseMember,
} from './tree-workspace';

type RegistryMetadata = Parameters<VersionActions['readCurrentVersionFromRegistry']>[1];

/** Logs the message of an error Nx would otherwise replace by a generic one, then rethrows it. */
function logged<T>(level: 'error' | 'warn', fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    logger[level]((e as Error).message);
    throw e;
  }
}

export default class UvVersionActions extends VersionActions {
  validManifestFilenames: string[] = ['pyproject.toml'];
  /** Our edits keep the files as written; Nx's Prettier pass has nothing to do on them. */
  override excludeManifestsFromFormatting = true;

  /** The run's tree, kept from init (Nx passes none to calculateNewVersion). */
  private runTree?: Tree;

  override async init(tree: Tree): Promise<void> {
    this.runTree = tree;
    await super.init(tree);
  }

  private member(tree: Tree): UvReleaseMember {
    return memberOfProject(tree, this.projectGraphNode);
  }

  /**
   * The version in the manifest before this run (from disk: Nx writes the tree out only at the end,
   * and a project may already have been bumped in the tree as a dependent), when it can be read.
   */
  private manifestVersionBeforeRun(): string | undefined {
    if (!this.runTree) return undefined;
    try {
      const { uvRoot, member } = this.member(this.runTree);
      const onDisk = diskWorkspace(this.runTree, uvRoot).members.find((m) => m.root === member.root);
      return onDisk ? currentVersionOf(onDisk).version : undefined;
    } catch {
      return undefined;
    }
  }

  /** Writes the edits into the tree and moves the cached model along (see applyToTreeWorkspace). */
  private writeEdits(tree: Tree, uvRoot: string, edits: readonly FileEdit[], change: Parameters<typeof applyToTreeWorkspace>[2]): string[] {
    const written: string[] = [];
    for (const e of edits) {
      const file = joinPosix(uvRoot, e.file);
      tree.write(file, e.after);
      written.push(file);
    }
    if (edits.length > 0) applyToTreeWorkspace(tree, uvRoot, change);
    return written;
  }

  override async calculateNewVersion(
    currentVersion: string | null,
    newVersionInput: string,
    newVersionInputReason: string,
    newVersionInputReasonData: Record<string, unknown>,
    preid: string,
  ): Promise<{ newVersion: string; logText: string }> {
    let base = currentVersion;
    let note: string | undefined;
    if (this.finalConfigForProject.currentVersionResolver === 'git-tag' && isRelativeKeyword(newVersionInput)) {
      const reconciled = reconcileTagVersion(currentVersion, this.manifestVersionBeforeRun());
      if (reconciled) [base, note] = [reconciled.version, reconciled.note];
    }
    const result = pep440NewVersion(base, newVersionInput, preid, {
      adjustZeroMajor: this.finalConfigForProject.adjustSemverBumpsForZeroMajorVersion,
      project: this.projectGraphNode.name,
    });
    const logText = newVersionLogText(newVersionInput, result, newVersionInputReason, newVersionInputReasonData);
    return { newVersion: result.version, logText: note ? `${note}\n${logText}` : logText };
  }

  async readCurrentVersionFromSourceManifest(tree: Tree): Promise<{ currentVersion: string; manifestPath: string } | null> {
    // Nx replaces any error thrown here by "does not have a pyproject.toml file": say why first.
    return logged('error', () => {
      const { uvRoot, member } = this.member(tree);
      if (member.version.kind === 'vcs') {
        throw new Error(
          `nx-uv: the version of ${member.distributionName} (${joinPosix(uvRoot, member.pyprojectPath)}) is derived from git tags by ${member.version.plugin}, ` +
            'so no file holds it: set "currentVersionResolver": "git-tag" in release.version of nx.json (Nx then reads it from its release tags, ' +
            "which the plugin must read too: match its tag pattern to Nx's releaseTagPattern)",
        );
      }
      const { version, file } = currentVersionOf(member);
      const currentVersion = normalizeVersion(version, `the version of ${member.distributionName} in ${joinPosix(uvRoot, file)}`);
      return { currentVersion, manifestPath: joinPosix(uvRoot, file) };
    });
  }

  async readCurrentVersionFromRegistry(
    tree: Tree,
    currentVersionResolverMetadata: RegistryMetadata,
  ): Promise<{ currentVersion: string | null; logText: string } | null> {
    const { member } = logged('error', () => this.member(tree));
    try {
      const options = registryLookupOptions(
        { where: 'currentVersionResolverMetadata', value: currentVersionResolverMetadata },
        { where: 'versionActionsOptions', value: this.finalConfigForProject.versionActionsOptions },
      );
      return await readRegistryVersion(member.distributionName, options);
    } catch (e) {
      // Nx turns a failure into its fallback (or a generic error): keep the reason visible.
      logger.warn(`nx-uv: cannot read the current version of ${member.distributionName} from the index: ${(e as Error).message}`);
      throw e;
    }
  }

  /** The internal runtime and optional requirements (what a published dependent carries), as Nx projects. */
  override async readDependencies(tree: Tree, projectGraph: ProjectGraph): Promise<ProjectGraphDependency[]> {
    const { uvRoot, ws, member } = this.member(tree);
    const names = projectNamesOfMembers(projectGraph, ws, uvRoot);
    const source = this.projectGraphNode.name;
    const seen = new Set<string>();
    const out: ProjectGraphDependency[] = [];
    for (const dep of member.dependencies) {
      if (!PUBLISHED_DEPENDENCY_KINDS.includes(dep.kind)) continue;
      const target = names.get(dep.target);
      if (!target || target === source || seen.has(target)) continue;
      seen.add(target);
      out.push({ source, target, type: DependencyType.static });
    }
    return out;
  }

  /** The specifier of this member's requirement on the dependency (`>=1.2.0`), and the TOML array it is in. */
  async readCurrentVersionOfDependency(
    tree: Tree,
    projectGraph: ProjectGraph,
    dependencyProjectName: string,
  ): Promise<{ currentVersion: string | null; dependencyCollection: string | null }> {
    const { uvRoot, ws, member } = this.member(tree);
    const dependency = memberOfProjectName(projectGraph, ws, uvRoot, dependencyProjectName);
    const requirements = dependency ? member.dependencies.filter((d) => d.target === dependency.name) : [];
    const chosen = requirements.find((d) => d.requirement.specifier !== '') ?? requirements[0];
    if (!chosen) return { currentVersion: null, dependencyCollection: null };
    return { currentVersion: chosen.requirement.specifier || null, dependencyCollection: chosen.section };
  }

  async updateProjectVersion(tree: Tree, newVersion: string): Promise<string[]> {
    const { uvRoot, member } = this.member(tree);
    const version = normalizeVersion(newVersion, `the new version of ${member.distributionName}`);
    const read = treeReader(tree, uvRoot).readText;
    const logs: string[] = [];

    if (member.version.kind === 'vcs') {
      // Derived from git tags: the tag nx release makes is the version; nothing to write.
      logs.push(
        `✍️  ${member.distributionName} takes its version from git tags (${member.version.plugin}): nothing written; the release tag of ${version} makes it`,
      );
    } else {
      const edit = versionFileEdit(member, version, read);
      const [versionFile] = this.writeEdits(tree, uvRoot, edit ? [edit] : [], { version: { member: member.name, version } });
      logs.push(
        versionFile
          ? `✍️  New version ${version} written to manifest: ${versionFile}`
          : `✍️  ${member.distributionName} is already at ${version} in ${joinPosix(uvRoot, currentVersionOf(member).file)}`,
      );
    }
    recordBump(tree, uvRoot, member.name, version);
    recordTouchedRoot(tree, uvRoot);

    // Requirements on this package that no dependent's updateProjectDependencies will see.
    const ws = treeWorkspace(tree, uvRoot);
    const released = ws.members.find((m) => m.name === member.name)!;
    const updates = requirementUpdatesForRelease(ws, released, version);
    this.writeEdits(tree, uvRoot, requirementEdits(ws, updates, read), { requirements: updates });
    for (const u of updates) {
      logs.push(`✍️  Updated ${JSON.stringify(u.from)} to ${JSON.stringify(u.to)} in ${joinPosix(uvRoot, u.pyprojectPath!)} (${u.section})`);
    }
    return logs;
  }

  async updateProjectDependencies(tree: Tree, projectGraph: ProjectGraph, dependenciesToUpdate: Record<string, string>): Promise<string[]> {
    const { uvRoot, ws, member } = this.member(tree);
    const targets = new Map<string, { version: string; released: boolean }>();
    for (const [projectName, raw] of Object.entries(dependenciesToUpdate)) {
      const dependency = memberOfProjectName(projectGraph, ws, uvRoot, projectName);
      if (!dependency) continue;
      // Nx may put its versionPrefix (^, ~, =) in front; PEP 440 specifiers keep the user's operators.
      const text = String(raw).replace(/^[~^=]+/, '');
      if (!isValidVersion(text)) {
        throw new Error(
          `nx-uv: Nx gave "${raw}" as the new version of ${dependency.distributionName} (project "${projectName}"), ` +
            `which is not a PEP 440 version: configure the same versionActions (nx-uv) for every uv member in nx.json`,
        );
      }
      const version = normalizeVersion(text);
      const bumped = bumpedVersion(tree, uvRoot, dependency.name);
      targets.set(dependency.name, { version, released: bumped !== undefined && compareVersions(bumped, version) === 0 });
    }
    const updates = requirementUpdatesOfMember(member, targets);
    if (updates.length === 0) return [];
    const written = this.writeEdits(tree, uvRoot, requirementEdits(ws, updates, treeReader(tree, uvRoot).readText), {
      requirements: updates,
    });
    recordTouchedRoot(tree, uvRoot);
    const count = updates.length;
    return [
      `✍️  Updated ${count} internal requirement${count === 1 ? '' : 's'} in manifest: ${written.join(', ')} ` +
        `(${updates.map((u) => `${JSON.stringify(u.from)} → ${JSON.stringify(u.to)}`).join(', ')})`,
    ];
  }
}

/** Runs `uv lock` once per uv workspace this run changed; returns uv.lock for Nx to stage. */
export const afterAllProjectsVersioned = createAfterAllProjectsVersioned();
