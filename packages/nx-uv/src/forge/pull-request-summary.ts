/** The part of a GitHub pull request nx-uv works with. Pure. */

export interface PullRequestSummary {
  number: number;
  /** Web URL. */
  url: string;
  title: string;
  body: string;
  head: string;
  base: string;
  state: 'open' | 'closed';
  merged: boolean;
  mergeCommitSha: string | null;
  labels: string[];
}

/** Fields of a pull request as the REST API returns them (full or list form). */
export interface PullData {
  number: number;
  html_url: string;
  title: string;
  body: string | null;
  state: string;
  merged_at: string | null;
  merge_commit_sha: string | null;
  head: { ref: string };
  base: { ref: string };
  labels: Array<{ name?: string } | string>;
}

export function summarize(p: PullData): PullRequestSummary {
  return {
    number: p.number,
    url: p.html_url,
    title: p.title,
    body: p.body ?? '',
    head: p.head.ref,
    base: p.base.ref,
    state: p.state === 'closed' ? 'closed' : 'open',
    merged: p.merged_at !== null,
    mergeCommitSha: p.merge_commit_sha,
    labels: p.labels.map((l) => (typeof l === 'string' ? l : (l.name ?? ''))).filter(Boolean),
  };
}
