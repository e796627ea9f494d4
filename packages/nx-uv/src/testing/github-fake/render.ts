/**
 * GitHub-shaped JSON for the fake's state: every field the description marks as required for users,
 * repositories, pull requests, labels, releases and their assets, refs and tag objects. Test-only.
 */
import { createHash } from 'node:crypto';
import {
  fullName,
  type FakeLabel,
  type FakePull,
  type FakeRelease,
  type FakeReleaseAsset,
  type FakeRepository,
  type FakeTagObject,
  type FakeUser,
} from './state';

export interface RenderContext {
  /** API base URL, no trailing slash (`http://127.0.0.1:1234` or `.../api/v3`). */
  api: string;
  /** Web base URL, no trailing slash (`https://github.com`). */
  html: string;
  /**
   * Base URL of release asset uploads, no trailing slash: GitHub's `https://uploads.github.com`; the
   * fake serves them on its own port under `/uploads` (GitHub Enterprise's `/api/uploads`).
   */
  uploads: string;
}

export function nodeId(kind: string, id: number | string): string {
  return Buffer.from(`${kind}:${id}`).toString('base64').replace(/=+$/, '');
}

export function fakeSha(...parts: Array<string | number>): string {
  return createHash('sha1').update(parts.join('\0')).digest('hex');
}

export function renderUser(ctx: RenderContext, user: FakeUser): Record<string, unknown> {
  const url = `${ctx.api}/users/${user.login}`;
  return {
    login: user.login,
    id: user.id,
    node_id: nodeId('User', user.id),
    avatar_url: `https://avatars.githubusercontent.com/u/${user.id}?v=4`,
    gravatar_id: '',
    url,
    html_url: `${ctx.html}/${user.login}`,
    followers_url: `${url}/followers`,
    following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`,
    starred_url: `${url}/starred{/owner}{/repo}`,
    subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`,
    repos_url: `${url}/repos`,
    events_url: `${url}/events{/privacy}`,
    received_events_url: `${url}/received_events`,
    type: 'User',
    user_view_type: 'public',
    site_admin: false,
  };
}

const REPO_URL_TEMPLATES: Record<string, string> = {
  archive_url: '/{archive_format}{/ref}',
  assignees_url: '/assignees{/user}',
  blobs_url: '/git/blobs{/sha}',
  branches_url: '/branches{/branch}',
  collaborators_url: '/collaborators{/collaborator}',
  comments_url: '/comments{/number}',
  commits_url: '/commits{/sha}',
  compare_url: '/compare/{base}...{head}',
  contents_url: '/contents/{+path}',
  contributors_url: '/contributors',
  deployments_url: '/deployments',
  downloads_url: '/downloads',
  events_url: '/events',
  forks_url: '/forks',
  git_commits_url: '/git/commits{/sha}',
  git_refs_url: '/git/refs{/sha}',
  git_tags_url: '/git/tags{/sha}',
  issue_comment_url: '/issues/comments{/number}',
  issue_events_url: '/issues/events{/number}',
  issues_url: '/issues{/number}',
  keys_url: '/keys{/key_id}',
  labels_url: '/labels{/name}',
  languages_url: '/languages',
  merges_url: '/merges',
  milestones_url: '/milestones{/number}',
  notifications_url: '/notifications{?since,all,participating}',
  pulls_url: '/pulls{/number}',
  releases_url: '/releases{/id}',
  stargazers_url: '/stargazers',
  statuses_url: '/statuses/{sha}',
  subscribers_url: '/subscribers',
  subscription_url: '/subscription',
  tags_url: '/tags',
  teams_url: '/teams',
  trees_url: '/git/trees{/sha}',
  hooks_url: '/hooks',
};

/** The `repository` schema (nested in pull requests); `full` adds the fields of `full-repository`. */
export function renderRepository(ctx: RenderContext, repo: FakeRepository, full = false): Record<string, unknown> {
  const name = fullName(repo);
  const url = `${ctx.api}/repos/${name}`;
  const host = new URL(ctx.html).host;
  const openIssues = [...repo.pulls.values()].filter((p) => p.state === 'open').length;
  const out: Record<string, unknown> = {
    id: repo.id,
    node_id: nodeId('Repository', repo.id),
    name: repo.name,
    full_name: name,
    owner: renderUser(ctx, repo.owner),
    private: repo.private,
    html_url: `${ctx.html}/${name}`,
    description: null,
    fork: false,
    url,
  };
  for (const [key, suffix] of Object.entries(REPO_URL_TEMPLATES)) out[key] = `${url}${suffix}`;
  Object.assign(out, {
    git_url: `git://${host}/${name}.git`,
    ssh_url: `git@${host}:${name}.git`,
    clone_url: `${ctx.html}/${name}.git`,
    svn_url: `${ctx.html}/${name}`,
    mirror_url: null,
    homepage: null,
    language: 'Python',
    forks_count: 0,
    stargazers_count: 0,
    watchers_count: 0,
    size: 0,
    default_branch: repo.defaultBranch,
    open_issues_count: openIssues,
    is_template: false,
    topics: [],
    has_issues: true,
    has_projects: true,
    has_wiki: true,
    has_pages: false,
    has_downloads: true,
    has_discussions: false,
    archived: false,
    disabled: false,
    visibility: repo.private ? 'private' : 'public',
    pushed_at: repo.createdAt,
    created_at: repo.createdAt,
    updated_at: repo.createdAt,
    permissions: { admin: true, maintain: true, push: true, triage: true, pull: true },
    allow_forking: true,
    web_commit_signoff_required: false,
    license: null,
    forks: 0,
    open_issues: openIssues,
    watchers: 0,
  });
  if (full) Object.assign(out, { subscribers_count: 0, network_count: 0 });
  return out;
}

export function renderLabel(ctx: RenderContext, repo: FakeRepository, label: FakeLabel): Record<string, unknown> {
  return {
    id: label.id,
    node_id: nodeId('Label', label.id),
    url: `${ctx.api}/repos/${fullName(repo)}/labels/${encodeURIComponent(label.name)}`,
    name: label.name,
    description: label.description,
    color: label.color,
    default: false,
  };
}

/** `pull-request` (full = true) or `pull-request-simple` (list endpoints). */
export function renderPull(ctx: RenderContext, repo: FakeRepository, pull: FakePull, full: boolean): Record<string, unknown> {
  const name = fullName(repo);
  const url = `${ctx.api}/repos/${name}/pulls/${pull.number}`;
  const html = `${ctx.html}/${name}/pull/${pull.number}`;
  const issue = `${ctx.api}/repos/${name}/issues/${pull.number}`;
  const repoJson = renderRepository(ctx, repo);
  const owner = renderUser(ctx, repo.owner);
  const side = (ref: string, sha: string) => ({ label: `${repo.owner.login}:${ref}`, ref, sha, user: owner, repo: repoJson });
  const labels = pull.labels.map((l) => repo.labels.get(l.toLowerCase())).filter((l): l is FakeLabel => l !== undefined);
  const out: Record<string, unknown> = {
    url,
    id: pull.id,
    node_id: nodeId('PullRequest', pull.id),
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: issue,
    commits_url: `${url}/commits`,
    review_comments_url: `${url}/comments`,
    review_comment_url: `${ctx.api}/repos/${name}/pulls/comments{/number}`,
    comments_url: `${issue}/comments`,
    statuses_url: `${ctx.api}/repos/${name}/statuses/${pull.headSha}`,
    number: pull.number,
    state: pull.state,
    locked: false,
    title: pull.title,
    user: renderUser(ctx, pull.user),
    body: pull.body,
    // The list schema (pull-request-simple) declares label descriptions as non-null strings.
    labels: labels.map((l) => (full ? renderLabel(ctx, repo, l) : { ...renderLabel(ctx, repo, l), description: l.description ?? '' })),
    milestone: null,
    active_lock_reason: null,
    created_at: pull.createdAt,
    updated_at: pull.updatedAt,
    closed_at: pull.closedAt,
    merged_at: pull.mergedAt,
    merge_commit_sha: pull.mergeCommitSha,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    head: side(pull.head, pull.headSha),
    base: side(pull.base, pull.baseSha),
    _links: {
      self: { href: url },
      html: { href: html },
      issue: { href: issue },
      comments: { href: `${issue}/comments` },
      review_comments: { href: `${url}/comments` },
      review_comment: { href: `${ctx.api}/repos/${name}/pulls/comments{/number}` },
      commits: { href: `${url}/commits` },
      statuses: { href: `${ctx.api}/repos/${name}/statuses/${pull.headSha}` },
    },
    author_association: 'OWNER',
    auto_merge: null,
    draft: pull.draft,
  };
  if (full) {
    Object.assign(out, {
      merged: pull.merged,
      mergeable: pull.state === 'open' ? true : null,
      rebaseable: pull.state === 'open' ? true : null,
      mergeable_state: pull.state === 'open' ? 'clean' : 'unknown',
      merged_by: pull.merged ? renderUser(ctx, pull.user) : null,
      comments: 0,
      review_comments: 0,
      maintainer_can_modify: pull.maintainerCanModify,
      commits: 1,
      additions: 0,
      deletions: 0,
      changed_files: 0,
    });
  }
  return out;
}

export function renderRelease(ctx: RenderContext, repo: FakeRepository, release: FakeRelease): Record<string, unknown> {
  const name = fullName(repo);
  const url = `${ctx.api}/repos/${name}/releases/${release.id}`;
  const tag = encodeURIComponent(release.tagName);
  return {
    url,
    html_url: release.draft ? `${ctx.html}/${name}/releases/tag/untagged-${release.id}` : `${ctx.html}/${name}/releases/tag/${tag}`,
    assets_url: `${url}/assets`,
    upload_url: `${ctx.uploads}/repos/${name}/releases/${release.id}/assets{?name,label}`,
    tarball_url: release.draft ? null : `${ctx.api}/repos/${name}/tarball/${tag}`,
    zipball_url: release.draft ? null : `${ctx.api}/repos/${name}/zipball/${tag}`,
    id: release.id,
    node_id: nodeId('Release', release.id),
    tag_name: release.tagName,
    target_commitish: release.targetCommitish,
    name: release.name,
    body: release.body,
    draft: release.draft,
    prerelease: release.prerelease,
    immutable: false,
    created_at: release.createdAt,
    published_at: release.publishedAt,
    updated_at: release.publishedAt ?? release.createdAt,
    author: renderUser(ctx, release.author),
    assets: release.assets.map((asset) => renderReleaseAsset(ctx, repo, release, asset)),
  };
}

export function renderReleaseAsset(ctx: RenderContext, repo: FakeRepository, release: FakeRelease, asset: FakeReleaseAsset): Record<string, unknown> {
  const name = fullName(repo);
  return {
    url: `${ctx.api}/repos/${name}/releases/assets/${asset.id}`,
    browser_download_url: `${ctx.html}/${name}/releases/download/${encodeURIComponent(release.tagName)}/${encodeURIComponent(asset.name)}`,
    id: asset.id,
    node_id: nodeId('ReleaseAsset', asset.id),
    name: asset.name,
    label: asset.label,
    state: 'uploaded',
    content_type: asset.contentType,
    size: asset.data.length,
    digest: `sha256:${createHash('sha256').update(asset.data).digest('hex')}`,
    download_count: 0,
    created_at: asset.createdAt,
    updated_at: asset.createdAt,
    uploader: renderUser(ctx, asset.uploader),
  };
}

export function renderRef(ctx: RenderContext, repo: FakeRepository, ref: string, sha: string, type: string): Record<string, unknown> {
  const name = fullName(repo);
  return {
    ref,
    node_id: nodeId('Ref', `${name}:${ref}`),
    url: `${ctx.api}/repos/${name}/git/${ref}`,
    object: { type, sha, url: `${ctx.api}/repos/${name}/git/${type === 'tag' ? 'tags' : 'commits'}/${sha}` },
  };
}

export function renderTagObject(ctx: RenderContext, repo: FakeRepository, tag: FakeTagObject): Record<string, unknown> {
  const name = fullName(repo);
  return {
    node_id: nodeId('Tag', tag.sha),
    tag: tag.tag,
    sha: tag.sha,
    url: `${ctx.api}/repos/${name}/git/tags/${tag.sha}`,
    message: tag.message,
    tagger: tag.tagger,
    object: { ...tag.object, url: `${ctx.api}/repos/${name}/git/${tag.object.type === 'commit' ? 'commits' : `${tag.object.type}s`}/${tag.object.sha}` },
    verification: { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null },
  };
}
