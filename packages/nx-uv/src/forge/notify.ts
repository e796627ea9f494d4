/**
 * Telling downstream repositories what was released: planNotify (pure) picks the packages whose
 * release tags point at HEAD and the `repository_dispatch` calls to make, one per repository, all
 * with the same payload; applyNotify makes them. A dry run prints dryRunNotifyLines instead.
 */
import type { TagScheme } from '../release/tag-scheme';
import { normalizeName } from '../workspace';
import { compareCodeUnits } from '../workspace/sort-by-key';

export const DEFAULT_NOTIFY_EVENT_TYPE = 'nx-uv-release';

export interface ReleasedPackage {
  name: string;
  version: string;
  tag: string;
}

/** The `client_payload` of the event. */
export interface ReleaseNotification extends Record<string, unknown> {
  /** `owner/name` of the releasing repository. */
  source: string;
  commit: string;
  packages: ReleasedPackage[];
}

export interface NotifyPlanInput {
  /** HEAD. */
  commit: string;
  /** Every tag of the repository with the commit it points at. */
  tags: readonly { name: string; commit: string }[];
  /** Reads package release tags (per package, or a fixed group's tag). */
  scheme: Pick<TagScheme, 'parse'>;
  /** Only packages whose PEP 503 name is in here are announced (the members of the option `group`); undefined: all. */
  members?: ReadonlySet<string>;
  /** `owner/name` of the receiving repositories, as configured (trimmed, blanks and repeats dropped). */
  repositories?: readonly string[];
  /** Default DEFAULT_NOTIFY_EVENT_TYPE. */
  eventType?: string;
}

export type NotifyPlan =
  /** Nothing to send; `message` says why. */
  { action: 'nothing'; message: string } | { action: 'send'; commit: string; eventType: string; repositories: string[]; packages: ReleasedPackage[] };

/** The packages whose release tags point at `commit`, sorted by name, then tag (code units, not locale). Pure. */
export function packagesReleasedAt(tags: readonly { name: string; commit: string }[], commit: string, scheme: Pick<TagScheme, 'parse'>): ReleasedPackage[] {
  return tags
    .filter((t) => t.commit === commit)
    .flatMap((t) => {
      const parsed = scheme.parse(t.name);
      return parsed ? parsed.members.map((name) => ({ name, version: parsed.version, tag: t.name })) : [];
    })
    .sort((a, b) => compareCodeUnits(a.name, b.name) || compareCodeUnits(a.tag, b.tag));
}

export function planNotify(input: NotifyPlanInput): NotifyPlan {
  const repositories = [...new Set((input.repositories ?? []).map((r) => r.trim()).filter(Boolean))];
  let packages = packagesReleasedAt(input.tags, input.commit, input.scheme);
  const members = input.members;
  if (members) packages = packages.filter((p) => members.has(normalizeName(p.name)));
  if (packages.length === 0) {
    return { action: 'nothing', message: `nx-uv notify: no package release tags point at HEAD (${input.commit.slice(0, 12)}); nothing to notify.` };
  }
  if (repositories.length === 0) {
    return {
      action: 'nothing',
      message: `nx-uv notify: ${packages.length} package(s) released at HEAD but no repositories configured (option "repositories"); nothing sent.`,
    };
  }
  return { action: 'send', commit: input.commit, eventType: input.eventType ?? DEFAULT_NOTIFY_EVENT_TYPE, repositories, packages };
}

type SendPlan = Extract<NotifyPlan, { action: 'send' }>;

/** The payload sent from repository `source`. */
export function notifyPayload(plan: SendPlan, source: string): ReleaseNotification {
  return { source, commit: plan.commit, packages: plan.packages };
}

/** What a dry run prints: the calls, and the payload. */
export function dryRunNotifyLines(plan: SendPlan, source: string): string[] {
  return [
    `nx-uv notify (dry run): would send repository_dispatch "${plan.eventType}" to ${plan.repositories.join(', ')} with client_payload:`,
    JSON.stringify(notifyPayload(plan, source), null, 2),
  ];
}

export interface NotifyClient {
  /** `owner/name` of the releasing repository. */
  readonly repository: string;
  sendRepositoryDispatch(repository: string, eventType: string, payload: Record<string, unknown>): Promise<void>;
}

/** Sends the plan's events, one repository after the other, saying each. */
export async function applyNotify(plan: SendPlan, client: NotifyClient, log: (line: string) => void): Promise<void> {
  const payload = notifyPayload(plan, client.repository);
  for (const repository of plan.repositories) {
    await client.sendRepositoryDispatch(repository, plan.eventType, payload);
    log(`nx-uv notify: sent repository_dispatch "${plan.eventType}" to ${repository} (${plan.packages.map((p) => p.tag).join(', ')})`);
  }
}
