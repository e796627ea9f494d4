/** The state the fake GitHub keeps per repository. Test-only. */

export interface FakeUser {
  login: string;
  id: number;
}

export interface FakeLabel {
  id: number;
  name: string;
  color: string;
  description: string | null;
}

export interface FakePull {
  number: number;
  id: number;
  title: string;
  body: string | null;
  /** Branch name (same-repository pull requests only). */
  head: string;
  headSha: string;
  base: string;
  baseSha: string;
  state: 'open' | 'closed';
  draft: boolean;
  merged: boolean;
  mergedAt: string | null;
  mergeCommitSha: string | null;
  closedAt: string | null;
  createdAt: string;
  updatedAt: string;
  /** Label names, in the order they were added. */
  labels: string[];
  user: FakeUser;
  maintainerCanModify: boolean;
}

export interface FakeRelease {
  id: number;
  tagName: string;
  targetCommitish: string;
  name: string | null;
  body: string | null;
  draft: boolean;
  prerelease: boolean;
  makeLatest: 'true' | 'false' | 'legacy';
  createdAt: string;
  publishedAt: string | null;
  author: FakeUser;
  /** Uploaded assets, in upload order. */
  assets: FakeReleaseAsset[];
}

export interface FakeReleaseAsset {
  id: number;
  name: string;
  label: string | null;
  contentType: string;
  /** The uploaded bytes. */
  data: Buffer;
  createdAt: string;
  uploader: FakeUser;
}

export interface FakeTagObject {
  sha: string;
  tag: string;
  message: string;
  object: { sha: string; type: string };
  tagger: { name: string; email: string; date: string };
}

export interface FakeDispatch {
  /** `owner/name` of the repository that received the event. */
  repository: string;
  eventType: string;
  clientPayload: Record<string, unknown> | undefined;
}

export interface FakeRepository {
  id: number;
  owner: FakeUser;
  name: string;
  defaultBranch: string;
  private: boolean;
  /** A bare git repository whose refs back this repository (branches, tags); else refs are kept in `refs`. */
  gitDir?: string;
  /** Full ref name (`refs/heads/main`, `refs/tags/v1`) → object sha; used when there is no gitDir. */
  refs: Map<string, string>;
  tagObjects: Map<string, FakeTagObject>;
  labels: Map<string, FakeLabel>;
  /** Issue and pull request numbers share one sequence, as on GitHub. */
  nextNumber: number;
  pulls: Map<number, FakePull>;
  releases: Map<number, FakeRelease>;
  dispatches: FakeDispatch[];
  createdAt: string;
}

export function fullName(repo: FakeRepository): string {
  return `${repo.owner.login}/${repo.name}`;
}
