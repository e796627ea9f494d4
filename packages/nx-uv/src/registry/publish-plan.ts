/**
 * Pure: what `publish` does for one member, decided from its built files, what the index already
 * serves and the options — a value that a dry run prints and a real run hands to applyPublish.
 *
 * The decisions, in order:
 * - a local version (`+label`) is refused: public indexes refuse it (checked before the index is read);
 * - the index must be read first when the version was released by an earlier commit (with retries; a
 *   real run stops when it cannot be read) or for a dry run (once; a dry run goes on without it):
 *   planPublish then answers `read-index`, and is asked again with the listing;
 * - a version released earlier that the index serves (any of its file names) is that release:
 *   nothing is uploaded, the rebuild is not compared;
 * - a dry run: each file with what a real run would do with it; a changed file under a published
 *   name is refused already;
 * - otherwise upload: the files the index does not have (applyPublish reads the index again at every
 *   attempt, so what landed meanwhile is skipped), then wait until every file is served.
 */
import { UploadConflictError } from './errors';
import type { IndexTarget } from './index-target';
import { planUploads, type LocalDistribution, type UploadPlan } from './plan-uploads';
import { describeIndex, dryRunLines, failureMessage } from './publish-report';
import type { RemoteDistribution } from './simple-api';

/** A built file of the version being published. */
export interface PublishFile extends LocalDistribution {
  kind: 'wheel' | 'sdist';
  size: number;
}

/** What the index serves of the project, or why it could not be read. */
export type IndexListing = { files: RemoteDistribution[] } | { error: unknown };

export interface PublishPlanInput {
  /** The member's distribution name, as its pyproject spells it. */
  distributionName: string;
  /** The version read from pyproject; undefined when it is dynamic. */
  declaredVersion?: string;
  /** The version is the one of the member's release tag at HEAD (VCS versioning). */
  fromReleaseTag?: boolean;
  /** The version being published (the one the built files have). */
  version: string;
  /** The built files of that version. */
  files: PublishFile[];
  /** Files of other versions in the build output folder, and files that are not the member's distributions. */
  otherVersions: readonly { filename: string }[];
  foreign: readonly string[];
  /** The build output folder as shown in messages. */
  shownDir: string;
  index: IndexTarget;
  /** Where the credentials come from; undefined when there are none (only a dry run gets this far without). */
  credentialsSource?: string;
  /** The release tag of this version when it is on another commit than HEAD. */
  earlier?: { tag: string; commit: string };
  /** What the index serves of the project; undefined when it was not read. */
  listing?: IndexListing;
  dryRun: boolean;
  maxRetries: number;
  pollTimeoutMs: number;
  /** One `uv publish` per file, all at once (default true); false: one `uv publish` for all files. */
  parallelUploads?: boolean;
  /** Also mention the files that are not distributions of the member. */
  verbose?: boolean;
}

export interface PlanLine {
  level: 'info' | 'warn';
  text: string;
}

interface PlanBase {
  /** `<distribution name> <version>`. */
  label: string;
  /** What to print, in order (before anything is uploaded). */
  lines: PlanLine[];
}

/** A local version: nothing is read or uploaded; `error` is the failure. */
export interface RefusedPublishPlan extends PlanBase {
  action: 'refused';
  error: string;
}

/** The index must be read before the plan can be made: `retries` for a flaky index; `required`: a failure stops the run. */
export interface ReadIndexPublishPlan extends PlanBase {
  action: 'read-index';
  read: { retries: number; required: boolean };
}

/** Nothing to upload: released earlier and served, or a dry run. `lines` say everything. */
export interface DonePublishPlan extends PlanBase {
  action: 'served' | 'dry-run';
}

export interface UploadPublishPlan extends PlanBase {
  action: 'upload';
  /** Distribution name (the index normalises it). */
  project: string;
  index: IndexTarget;
  credentialsSource?: string;
  /** Every file to be served at the end. */
  files: LocalDistribution[];
  /** As far as the listing in hand tells (all files when none was read): applyPublish checks again at each attempt. */
  upload: LocalDistribution[];
  skip: LocalDistribution[];
  retry: { maxRetries: number };
  poll: { timeoutMs: number };
  parallelUploads: boolean;
}

export type PublishPlan = RefusedPublishPlan | ReadIndexPublishPlan | DonePublishPlan | UploadPublishPlan;

/**
 * Local file names the index already lists. When any is listed, the version is on the index: a
 * rebuilt file under a listed name is never uploaded again.
 */
export function alreadyListed(localNames: readonly string[], remote: readonly { filename: string }[]): string[] {
  const listed = new Set(remote.map((r) => r.filename));
  return localNames.filter((n) => listed.has(n));
}

const info = (text: string): PlanLine => ({ level: 'info', text });
const warn = (text: string): PlanLine => ({ level: 'warn', text });

export function planPublish(input: PublishPlanInput): PublishPlan {
  const { distributionName, version, index, dryRun } = input;
  const label = `${distributionName} ${version}`;
  const lines: PlanLine[] = [];
  if (input.declaredVersion === undefined && !input.fromReleaseTag) {
    lines.push(info(`nx-uv publish: the version of ${distributionName} is dynamic; publishing the one version built in ${input.shownDir}: ${version}.`));
  }
  // PEP 440 local versions (`2.0.1.dev22+g1a2b3c`, what VCS versioning gives between tags) are refused
  // by every public index: say so now, in a dry run too, instead of "would be uploaded".
  const local = version.indexOf('+');
  if (local >= 0) {
    const error =
      `${label} has a local version label (+${version.slice(local + 1)}), which PyPI and other public indexes refuse` +
      (input.declaredVersion === undefined
        ? ` (its version is dynamic: a VCS plugin gives such versions between release tags; build it at its release tag)`
        : '') +
      `: nothing was ${dryRun ? 'checked or ' : ''}uploaded.`;
    return { action: 'refused', label, lines, error };
  }
  if (input.otherVersions.length > 0) {
    lines.push(
      info(`nx-uv publish: ${label}: ignoring files of other versions in ${input.shownDir}: ` + input.otherVersions.map((p) => p.filename).join(', ')),
    );
  }
  if (input.foreign.length > 0 && input.verbose) {
    lines.push(info(`nx-uv publish: ${label}: ignoring files that are not its distributions: ${input.foreign.join(', ')}`));
  }
  const files = input.files.map(({ path, filename, sha256 }) => ({ path, filename, sha256 }));
  const names = files.map((f) => f.filename);
  const listing = input.listing;
  if (listing === undefined && (input.earlier || dryRun)) {
    return { action: 'read-index', label, lines, read: input.earlier ? { retries: input.maxRetries, required: !dryRun } : { retries: 0, required: false } };
  }
  const remote = listing && 'files' in listing ? listing.files : undefined;

  // A version released by an earlier commit that the index already serves: that is the release.
  if (input.earlier && remote) {
    const listed = alreadyListed(names, remote);
    if (listed.length > 0) {
      const absent = names.filter((n) => !listed.includes(n));
      lines.push(
        info(
          `nx-uv publish${dryRun ? ' (dry run)' : ''}: ${label} was released earlier (${input.earlier.tag} on ${input.earlier.commit.slice(0, 7)}) ` +
            `and ${index.checkUrl} serves it (${listed.join(', ')}): nothing to upload; this rebuild is not compared with the release.` +
            (absent.length > 0 ? ` Not on the index and not uploaded from this rebuild: ${absent.join(', ')} (publish them from ${input.earlier.tag}).` : ''),
        ),
      );
      return { action: 'served', label, lines };
    }
  }

  const uploads: UploadPlan | undefined = remote ? planUploads(files, remote) : undefined;
  if (uploads && uploads.conflicts.length > 0) {
    const conflict = new UploadConflictError(uploads.conflicts, index.checkUrl);
    const error = dryRun ? failureMessage(label, index, conflict) + '\n(found in a dry run)' : failureMessage(label, index, conflict, input.credentialsSource);
    return { action: 'refused', label, lines, error };
  }

  if (dryRun) {
    if (listing && 'error' in listing) {
      const why = listing.error instanceof Error ? listing.error.message : String(listing.error);
      lines.push(warn(`nx-uv publish (dry run): cannot read what ${index.checkUrl} already has (${why}); listing the local files only.`));
    }
    lines.push(
      info(
        `nx-uv publish (dry run): ${label} → ${describeIndex(index)}` +
          (input.credentialsSource ? `, credentials from ${input.credentialsSource}` : ', no credentials') +
          `; ${files.length} file(s) from ${input.shownDir}:`,
      ),
    );
    for (const line of dryRunLines(input.files, uploads)) lines.push(info(line));
    lines.push(info(`nx-uv publish (dry run): nothing was uploaded and uv publish was not run.`));
    return { action: 'dry-run', label, lines };
  }

  lines.push(info(`nx-uv publish: ${label} → ${describeIndex(index)}, credentials from ${input.credentialsSource}`));
  const plan: UploadPublishPlan = {
    action: 'upload',
    label,
    lines,
    project: distributionName,
    index,
    files,
    upload: uploads ? uploads.upload : files,
    skip: uploads ? uploads.skip : [],
    retry: { maxRetries: input.maxRetries },
    poll: { timeoutMs: input.pollTimeoutMs },
    parallelUploads: input.parallelUploads !== false,
  };
  if (input.credentialsSource !== undefined) plan.credentialsSource = input.credentialsSource;
  return plan;
}
