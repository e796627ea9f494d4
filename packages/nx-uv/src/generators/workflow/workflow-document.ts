import type { WorkflowConfig } from './normalize-options';
import { shellWord } from './shell';
import { RELEASE_LABEL_PENDING } from '../../forge/labels';

/**
 * Third-party actions, pinned to the full commit SHA of a release (a tag can be moved; a SHA
 * cannot), with the release in a comment beside it (`uses: actions/checkout@<sha> # v7.0.1`).
 */
export const PINNED_ACTIONS = {
  checkout: { repo: 'actions/checkout', sha: '3d3c42e5aac5ba805825da76410c181273ba90b1', version: 'v7.0.1' },
  setupNode: { repo: 'actions/setup-node', sha: '820762786026740c76f36085b0efc47a31fe5020', version: 'v7.0.0' },
  setupUv: { repo: 'astral-sh/setup-uv', sha: '20cfd1bf945f4377ade1205e4dbc17946fc9a30d', version: 'v10.0.1' },
  uploadArtifact: { repo: 'actions/upload-artifact', sha: 'bbbca2ddaa5d8feaa63e36b76fdaad77386f024f', version: 'v7.0.0' },
  downloadArtifact: { repo: 'actions/download-artifact', sha: '3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c', version: 'v8.0.1' },
  attestPep740: { repo: 'astral-sh/attest-action', sha: 'f589a42a7efb6fe400b4f400de60b4bc90390027', version: 'v0.0.6' },
} as const;

/** The `uses:` value of each action: `<repo>@<sha>`. */
export const ACTIONS = Object.fromEntries(Object.entries(PINNED_ACTIONS).map(([k, a]) => [k, `${a.repo}@${a.sha}`])) as Record<
  keyof typeof PINNED_ACTIONS,
  string
>;

/**
 * The SLSA project's generic generator: an isolated reusable workflow (SLSA Build L3) that signs the
 * provenance of the digests it is given. The one reference not pinned to a SHA: the generator finds
 * out which release of itself runs from the ref it was called with, and fails unless that is a release
 * tag `vX.Y.Z` (its README: "MUST be referenced by a tag of the form @vX.Y.Z").
 */
export const SLSA_GENERATOR = {
  repo: 'slsa-framework/slsa-github-generator',
  workflow: '.github/workflows/generator_generic_slsa3.yml',
  tag: 'v2.1.0',
} as const;
export const SLSA_GENERATOR_USES = `${SLSA_GENERATOR.repo}/${SLSA_GENERATOR.workflow}@${SLSA_GENERATOR.tag}`;

/** The release a pinned `uses:` value stands for (for the comment beside it), or undefined. */
export function pinnedVersionOf(uses: string): string | undefined {
  return Object.values(PINNED_ACTIONS).find((a) => uses === `${a.repo}@${a.sha}`)?.version;
}

/** The comments of a `uses:` line: beside it (`comment`) and above its key (`before`). */
export function usesComments(uses: string): { comment?: string; before?: string } {
  const version = pinnedVersionOf(uses);
  if (version) return { comment: ` ${version}` };
  if (uses === SLSA_GENERATOR_USES) {
    return {
      // zizmor reports every reference that is not a SHA; this one is on purpose, and only this one is accepted.
      comment: ' zizmor: ignore[unpinned-uses] the SLSA generator must be called by its release tag',
      before: [
        ' Pinned by tag, not by SHA, on purpose: the SLSA generator verifies the ref it is called with',
        ' and refuses anything but a release tag vX.Y.Z (a SHA makes it fail). Its provenance names the',
        ' generator release that signed it, which slsa-verifier checks.',
      ].join('\n'),
    };
  }
  return {};
}

/** Repository secrets the workflow reads (all optional but the dispatch token for notify). */
export const SECRETS = {
  publishToken: 'UV_PUBLISH_TOKEN',
  testPypiToken: 'TESTPYPI_TOKEN',
  dispatchToken: 'NX_UV_DISPATCH_TOKEN',
  releasePrToken: 'NX_UV_RELEASE_PR_TOKEN',
  publishPassword: 'UV_PUBLISH_PASSWORD',
} as const;

/** Repository variables that name a custom index (target `custom`), read by uv and nx-uv alike. */
export const VARIABLES = ['UV_PUBLISH_URL', 'UV_PUBLISH_CHECK_URL', 'UV_PUBLISH_USERNAME'] as const;

/**
 * The token of the prepare job: a PR opened (or a branch pushed) with the job's own GITHUB_TOKEN
 * starts no workflow, so the release PR would get no CI checks; an optional PAT/App token fixes that.
 */
const RELEASE_PR_TOKEN = `\${{ secrets.${SECRETS.releasePrToken} || github.token }}`;

/** Environment variables through which dispatch inputs reach the scripts (never `${{ }}` inside `run:`). */
export const INPUT_ENV = {
  dry_run: 'WF_DRY_RUN',
  force_prepare: 'WF_FORCE',
  group: 'WF_GROUP',
  bump_type: 'WF_BUMP_TYPE',
  prerelease: 'WF_PRERELEASE',
  target: 'WF_TARGET',
  skip_publish: 'WF_SKIP_PUBLISH',
  concurrency: 'WF_CONCURRENCY',
  max_retries: 'WF_MAX_RETRIES',
} as const;

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
type Step = { [key: string]: Json };
type Job = { [key: string]: Json };

const DISPATCH = "github.event_name == 'workflow_dispatch'";
/** Not a dispatch run with dry_run or skip_publish: the files really go to the index. */
const REALLY_PUBLISHING = `!(${DISPATCH} && (inputs.dry_run || inputs.skip_publish))`;
/** The commit a release is made from: the merge commit of the release PR, else the commit of the run. */
const RELEASE_COMMIT = '${{ github.event.pull_request.merge_commit_sha || github.sha }}';
const BOT_NAME = 'github-actions[bot]';
const BOT_EMAIL = '41898282+github-actions[bot]@users.noreply.github.com';

/** A string literal of the GitHub expression language. */
function exprString(value: string): string {
  return `'${value.split("'").join("''")}'`;
}

function input(name: keyof typeof INPUT_ENV): string {
  return `\${{ inputs.${name} }}`;
}

function script(lines: string[]): string {
  return `${lines.join('\n')}\n`;
}

const DRY_RUN_LINE = 'if [ "$WF_DRY_RUN" = true ]; then args+=(--dryRun); fi';
const CONCURRENCY_LINES = [
  'case "$WF_CONCURRENCY" in',
  "  '' | 0) ;;",
  "  *[!0-9]*) echo '::error::The concurrency input must be a whole number (0 = auto).'; exit 1 ;;",
  // Nx gives --parallel to process-per-task runs only; the batched publish reads NX_UV_PUBLISH_CONCURRENCY.
  '  *) nx_args+=("--parallel=$WF_CONCURRENCY"); export NX_UV_PUBLISH_CONCURRENCY="$WF_CONCURRENCY" ;;',
  'esac',
];

/**
 * Check out (never persisting credentials in .git/config: nx-uv gives git the token of a push in the
 * environment of that one process), then Node, uv and `npm ci` — with no cache: every job of this
 * workflow holds a release credential (a token, OIDC), and a poisoned cache would run in it.
 */
function setupSteps(config: WorkflowConfig, checkout: { ref?: string; token?: string }): Step[] {
  const checkoutWith: Step = { 'fetch-depth': 0, 'persist-credentials': false };
  if (checkout.ref) checkoutWith.ref = checkout.ref;
  if (checkout.token) checkoutWith.token = checkout.token;
  const uvWith: Step = { 'enable-cache': false };
  if (config.pythonVersion !== undefined) uvWith['python-version'] = config.pythonVersion;
  return [
    { name: 'Check out (full history and tags)', uses: ACTIONS.checkout, with: checkoutWith },
    { name: 'Set up Node.js', uses: ACTIONS.setupNode, with: { 'node-version': config.nodeVersion } },
    { name: 'Set up uv', uses: ACTIONS.setupUv, with: uvWith },
    { name: 'Install npm dependencies', run: 'npm ci' },
  ];
}

const GIT_IDENTITY: Step = {
  GIT_AUTHOR_NAME: BOT_NAME,
  GIT_AUTHOR_EMAIL: BOT_EMAIL,
  GIT_COMMITTER_NAME: BOT_NAME,
  GIT_COMMITTER_EMAIL: BOT_EMAIL,
};

function prepareJob(config: WorkflowConfig): Job {
  const command = ['npx', 'nx', 'run', `${config.workspaceProject}:${config.targets.releasePr}`, '--'];
  return {
    name: 'Prepare the release PR',
    if: `github.event_name == 'push' || (${DISPATCH} && inputs.action == 'prepare')`,
    'runs-on': 'ubuntu-latest',
    'timeout-minutes': 30,
    // Its own group: a queued prepare run never replaces a queued release (GitHub keeps one pending
    // run per group and cancels the older one); a newer push replaces an older queued prepare.
    concurrency: { group: `${config.name}-prepare-\${{ github.ref }}`, 'cancel-in-progress': false },
    permissions: { contents: 'write', 'pull-requests': 'write' },
    env: GIT_IDENTITY,
    steps: [
      ...setupSteps(config, { token: RELEASE_PR_TOKEN }),
      {
        name: 'Open or update the release PR',
        env: {
          GITHUB_TOKEN: RELEASE_PR_TOKEN,
          WF_GROUP: input('group'),
          WF_BUMP_TYPE: input('bump_type'),
          WF_PRERELEASE: input('prerelease'),
          WF_FORCE: input('force_prepare'),
          WF_DRY_RUN: input('dry_run'),
        },
        run: script([
          `args=(${[`--baseBranch=${config.branch}`, ...releaseLabelArgs(config)].map(shellWord).join(' ')})`,
          'if [ -n "$WF_GROUP" ]; then args+=("--group=$WF_GROUP"); fi',
          'if [ -n "$WF_BUMP_TYPE" ] && [ "$WF_BUMP_TYPE" != auto ]; then args+=("--bumpType=$WF_BUMP_TYPE"); fi',
          'if [ -n "$WF_PRERELEASE" ]; then args+=("--prerelease=$WF_PRERELEASE"); fi',
          'if [ "$WF_FORCE" = true ]; then args+=(--force); fi',
          DRY_RUN_LINE,
          'set -x',
          `${command.map(shellWord).join(' ')} "\${args[@]}"`,
        ]),
      },
    ],
  };
}

function releaseJob(config: WorkflowConfig): Job {
  const merged = [
    "github.event_name == 'pull_request'",
    'github.event.pull_request.merged == true',
    'github.event.pull_request.head.repo.full_name == github.repository',
    `contains(github.event.pull_request.labels.*.name, ${exprString(config.releaseLabel)})`,
  ].join(' && ');
  return {
    name: 'Tag and create GitHub Releases',
    if: `(${merged}) || (${DISPATCH} && inputs.action == 'release')`,
    'runs-on': 'ubuntu-latest',
    'timeout-minutes': 30,
    // One release at a time in the whole repository, whatever the ref (a merged PR runs on
    // refs/pull/N/merge, a manual release on the branch); never in the prepare runs' group.
    concurrency: { group: `${config.name}-release`, 'cancel-in-progress': false },
    permissions: { contents: 'write', 'pull-requests': 'write' },
    env: GIT_IDENTITY,
    steps: [
      // With the optional release token, the pushed tags start other workflows (a tag pushed with the
      // job's own GITHUB_TOKEN starts none).
      ...setupSteps(config, { ref: RELEASE_COMMIT, token: RELEASE_PR_TOKEN }),
      {
        name: 'Tag the released packages',
        env: { GITHUB_TOKEN: RELEASE_PR_TOKEN, WF_DRY_RUN: input('dry_run'), WF_GROUP: input('group') },
        run: script([
          `args=(${releaseLabelArgs(config).map(shellWord).join(' ')})`,
          GROUP_LINE,
          DRY_RUN_LINE,
          'set -x',
          `npx nx run-many -t ${shellWord(config.targets.tag)} --output-style=static -- "\${args[@]}"`,
        ]),
      },
    ],
  };
}

/** The dispatch input `group` limits every job to that release group, not only prepare. */
const GROUP_LINE = 'if [ -n "${WF_GROUP:-}" ]; then args+=("--group=$WF_GROUP"); fi';

/** `--releaseLabel=<label>` for release-pr and tag when the workflow starts on another label than theirs. */
function releaseLabelArgs(config: WorkflowConfig): string[] {
  return config.releaseLabel === RELEASE_LABEL_PENDING ? [] : [`--releaseLabel=${config.releaseLabel}`];
}

/** Where the build job stages the files it uploads, and where the publish job downloads them. */
const STAGING = 'nx-uv-dists';
/** `sha256sum` output of the built files (repository-relative paths), in RUNNER_TEMP. */
const DIGESTS_FILE = '$RUNNER_TEMP/nx-uv-dists.sha256';

/** The artifact of the built files. */
export function distsArtifact(config: WorkflowConfig): string {
  return `${config.name}-dists`;
}

/** The file name of the signed SLSA provenance (an artifact of the run, then a GitHub Release asset). */
export function provenanceName(config: WorkflowConfig): string {
  return `${config.name}.intoto.jsonl`;
}

/**
 * Build: no `id-token`, no release token, no secret, only `contents: read`. What builds the files
 * can neither publish them nor sign for them. It hands on three things: the files (an artifact), their
 * sha256 digests (a job output, `sha256sum` output base64-encoded: what the SLSA generator takes as
 * `base64-subjects`, and what the publish job checks the artifact against), and the tags at the built
 * commit (the GitHub Releases the provenance is attached to).
 */
function buildJob(config: WorkflowConfig): Job {
  const distLines = config.distGlobs.join('\n');
  return {
    name: 'Build the sdists and wheels',
    needs: 'release',
    if: "needs.release.result == 'success'",
    'runs-on': 'ubuntu-latest',
    'timeout-minutes': 60,
    permissions: { contents: 'read' },
    outputs: {
      digests: '${{ steps.digests.outputs.digests }}',
      tags: '${{ steps.tags.outputs.tags }}',
    },
    steps: [
      ...setupSteps(config, { ref: RELEASE_COMMIT }),
      {
        name: 'Build sdists and wheels (internal dependencies pinned)',
        env: { WF_CONCURRENCY: input('concurrency') },
        run: script([
          'nx_args=()',
          ...CONCURRENCY_LINES,
          'set -x',
          `npx nx run-many -t ${shellWord(config.targets.build)} --output-style=static "\${nx_args[@]}"`,
        ]),
      },
      {
        name: 'Record the digests of the built files',
        id: 'digests',
        env: { WF_DIST_GLOBS: distLines },
        run: script([
          'shopt -s nullglob',
          "IFS=$'\\n'",
          'files=($WF_DIST_GLOBS)',
          'unset IFS',
          'if [ "${#files[@]}" -eq 0 ]; then',
          "  echo '::error::The build left no .whl or .tar.gz file in any member build output folder.'",
          '  exit 1',
          'fi',
          `sha256sum -- "\${files[@]}" | tee "${DIGESTS_FILE}"`,
          '# The files, under their repository paths, are what the artifact holds.',
          `staging="$RUNNER_TEMP/${STAGING}"`,
          'rm -rf "$staging"',
          'for f in "${files[@]}"; do',
          '  mkdir -p -- "$staging/$(dirname -- "$f")"',
          '  cp -- "$f" "$staging/$f"',
          'done',
          `digests=$(base64 -w0 < "${DIGESTS_FILE}")`,
          'echo "digests=$digests" >> "$GITHUB_OUTPUT"',
        ]),
      },
      {
        name: 'Record the release tags at the built commit',
        id: 'tags',
        run: script([`tags=$(git tag --points-at HEAD | jq -R -s -c 'split("\\n") | map(select(length > 0))')`, 'echo "tags=$tags" >> "$GITHUB_OUTPUT"']),
      },
      {
        name: 'Keep the built files as a workflow artifact',
        uses: ACTIONS.uploadArtifact,
        with: {
          name: distsArtifact(config),
          path: `\${{ runner.temp }}/${STAGING}`,
          'if-no-files-found': 'error',
          'retention-days': 14,
        },
      },
    ],
  };
}

/** Repository variable that lets a private repository generate SLSA provenance (its name then reaches the public Rekor log). */
export const SLSA_PRIVATE_VARIABLE = 'NX_UV_SLSA_PRIVATE_REPOSITORY';

/**
 * SLSA Build L3 provenance of the built files, signed in the SLSA generator's own isolated reusable
 * workflow from the digests of the build job (never from files a job of this workflow could alter).
 * Only for real uploads: a dry run writes nothing to the public transparency log. A private repository
 * is skipped unless the variable opts in (the log entry names the repository).
 */
function provenanceJob(config: WorkflowConfig): Job {
  return {
    name: 'SLSA provenance of the built files',
    needs: 'build',
    if: `${REALLY_PUBLISHING} && (!github.event.repository.private || vars.${SLSA_PRIVATE_VARIABLE} == 'true')`,
    // What the generator documents: actions: read to find its own run, id-token: write to sign,
    // contents: write for its release upload job (GitHub checks a called workflow's permissions
    // against these even when that job is skipped, as it is here: upload-assets is false).
    permissions: { actions: 'read', 'id-token': 'write', contents: 'write' },
    uses: SLSA_GENERATOR_USES,
    with: {
      'base64-subjects': '${{ needs.build.outputs.digests }}',
      'provenance-name': provenanceName(config),
      // The generator attaches to one GitHub Release per call; a run makes one release per package
      // (or group), so the provenance-assets job attaches this one provenance to each of them.
      'upload-assets': false,
      // Reached only by public repositories, or private ones that opted in with the variable.
      'private-repository': true,
    },
  };
}

/**
 * The Python (stdlib only) that decides what the smoke test installs, in the publish job right after
 * the upload (publish succeeds only once the index serves every uploaded file): each distribution the
 * build job built whose version a release tag at the built commit names, and whose every file the
 * index serves with the digest the build job recorded. Files of members that were not uploaded (out
 * of the group, excluded, released earlier and rebuilt) fall out. Also: the workspace distributions
 * these require (read from the wheels' metadata), so that they come from the same index.
 */
const LIST_RELEASED_PY = String.raw`import email.parser, html, json, os, re, urllib.error, urllib.parse, urllib.request, zipfile


def normalize(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def served_files(url):
    """filename -> sha256 of what a simple index (PEP 691 JSON or PEP 503 HTML) lists for a project."""
    accept = "application/vnd.pypi.simple.v1+json, text/html;q=0.1"
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": accept}), timeout=60) as response:
        kind = response.headers.get("Content-Type", "")
        body = response.read().decode("utf-8")
    if "json" in kind:
        return {f["filename"]: (f.get("hashes") or {}).get("sha256") for f in json.loads(body).get("files", [])}
    files = {}
    for attributes, text in re.findall(r"<a\b([^>]*)>([^<]*)</a>", body):
        href = re.search(r"href\s*=\s*[\"']([^\"']*)", attributes)
        digest = re.search(r"#sha256=([0-9a-fA-F]{64})", href.group(1)) if href else None
        files[html.unescape(text).strip()] = digest.group(1).lower() if digest else None
    return files


def tagged(version, tags):
    """True when a release tag at the built commit names this version (pkg-v1.2.0, v1.2.0, ...)."""
    pattern = re.compile(r"(?<![0-9.])" + re.escape(version) + r"(?![0-9A-Za-z.+])")
    return any(pattern.search(tag) for tag in tags)


def requirements(wheel):
    """Names of what a wheel requires (not under an extra)."""
    try:
        with zipfile.ZipFile(wheel) as archive:
            name = next(n for n in archive.namelist() if re.fullmatch(r"[^/]+\.dist-info/METADATA", n))
            metadata = email.parser.Parser().parsestr(archive.read(name).decode("utf-8"))
    except (OSError, StopIteration, UnicodeDecodeError, zipfile.BadZipFile) as error:
        print(f"::warning::{wheel}: no metadata to read its requirements from ({error!r})")
        return []
    names = []
    for requirement in metadata.get_all("Requires-Dist") or []:
        spec, _, marker = requirement.partition(";")
        match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", spec)
        if match and not re.search(r"\bextra\s*==", marker):
            names.append(normalize(match.group(1)))
    return names


index = os.environ.get("WF_INDEX_URL", "")
parts = urllib.parse.urlsplit(index)
if index and (parts.scheme not in ("http", "https") or parts.username or parts.password):
    print("::warning::The index URL is not an http(s) URL without credentials; no smoke test.")
    index = ""
tags = json.loads(os.environ.get("WF_TAGS") or "[]")
built, wheels = {}, {}
with open(os.path.join(os.environ["RUNNER_TEMP"], "nx-uv-dists.sha256")) as digests:
    for line in digests:
        sha256, path = line.rstrip("\n").split("  ", 1)
        filename = path.rsplit("/", 1)[-1]
        if filename.endswith(".whl"):
            name, version = filename[: -len(".whl")].split("-")[:2]
            wheels[normalize(name)] = path
        elif filename.endswith(".tar.gz"):
            name, version = filename[: -len(".tar.gz")].rsplit("-", 1)
        else:
            continue
        built.setdefault((normalize(name), version), {})[filename] = sha256
released = []
if not index:
    print("::warning::No simple index URL for this target (a custom index needs the variable UV_PUBLISH_CHECK_URL); no smoke test.")
for (name, version), files in sorted(built.items()) if index else []:
    if not tagged(version, tags):
        print(f"{name} {version}: no release tag at this commit names this version (released earlier); not smoke-tested")
        continue
    url = index.rstrip("/") + "/" + name + "/"
    try:
        served = served_files(url)
    except (urllib.error.URLError, OSError, ValueError, KeyError) as error:
        print(f"::warning::{name} {version}: could not read {url} ({error}); not smoke-tested")
        continue
    differing = [f for f, sha256 in sorted(files.items()) if served.get(f) != sha256]
    if differing:
        print(f"{name} {version}: the index does not serve {', '.join(differing)} as built (not uploaded by this run); not smoke-tested")
        continue
    print(f"{name} {version}: released by this run, served by {index} as built")
    released.append((name, version))
# The workspace distributions the released ones require, transitively: from the same index too.
members = {name for name, _ in built}
names = {name for name, _ in released}
requires, pending = set(), sorted(names)
while pending:
    wheel = wheels.get(pending.pop())
    for dependency in requirements(wheel) if wheel else []:
        if dependency in members and dependency not in names and dependency not in requires:
            requires.add(dependency)
            pending.append(dependency)
with open(os.environ["GITHUB_OUTPUT"], "a") as output:
    output.write(f"released={json.dumps([f'{name}=={version}' for name, version in released])}\n")
    output.write(f"requires={json.dumps(sorted(requires))}\n")
    output.write(f"index-url={index}\n")
`;

/**
 * Publish: the only job with `id-token: write` (trusted publishing and PEP 740 attestations), in the
 * deployment environment. It builds nothing: it downloads the build job's artifact, checks every file
 * against the digests the build job output (and that nothing else came with them), mints the
 * attestations, uploads with `--excludeTaskDependencies` (no build task runs here), checks the files
 * once more, and lists the released packages the index now serves as built (for the smoke test).
 */
function publishJob(config: WorkflowConfig): Job {
  return {
    name: 'Publish the built files to the package index',
    needs: ['build', 'provenance'],
    // Runs when the provenance was made, or was not to be made (a dry run, a private repository
    // without the opt-in): never for a real upload whose provenance failed.
    if: "!cancelled() && needs.build.result == 'success' && (needs.provenance.result == 'success' || needs.provenance.result == 'skipped')",
    'runs-on': 'ubuntu-latest',
    'timeout-minutes': 60,
    permissions: { contents: 'read', 'id-token': 'write' },
    environment: config.environment,
    outputs: {
      released: '${{ steps.released.outputs.released }}',
      requires: '${{ steps.released.outputs.requires }}',
      'index-url': '${{ steps.released.outputs.index-url }}',
    },
    steps: [
      ...setupSteps(config, { ref: RELEASE_COMMIT }),
      {
        name: 'Download the built files',
        uses: ACTIONS.downloadArtifact,
        with: { name: distsArtifact(config), path: `\${{ runner.temp }}/${STAGING}` },
      },
      {
        name: 'Check the digests of the built files and put them in place',
        env: { WF_DIGESTS: '${{ needs.build.outputs.digests }}' },
        run: script([
          `staging="$RUNNER_TEMP/${STAGING}"`,
          `printf '%s' "$WF_DIGESTS" | base64 -d > "${DIGESTS_FILE}"`,
          `if [ ! -s "${DIGESTS_FILE}" ]; then`,
          "  echo '::error::The build job recorded no digests.'",
          '  exit 1',
          'fi',
          '# Every file the build job recorded, byte for byte ...',
          `(cd "$staging" && sha256sum --check --strict -- "${DIGESTS_FILE}")`,
          '# ... and nothing else.',
          `listed=$(sed -E 's/^[0-9a-f]{64}  //' "${DIGESTS_FILE}" | LC_ALL=C sort)`,
          'found=$(cd "$staging" && find . -type f -printf \'%P\\n\' | LC_ALL=C sort)',
          'if [ "$listed" != "$found" ]; then',
          "  echo '::error::The artifact does not hold exactly the files the build job recorded.'",
          '  diff <(printf \'%s\\n\' "$listed") <(printf \'%s\\n\' "$found") || true',
          '  exit 1',
          'fi',
          'while IFS= read -r f; do',
          '  case "/$f/" in',
          '    //* | */../* | */./*) echo "::error::Not a path inside the repository: $f"; exit 1 ;;',
          '  esac',
          '  mkdir -p -- "$(dirname -- "$f")"',
          '  cp -- "$staging/$f" "$f"',
          'done <<< "$listed"',
          `sha256sum --check --strict -- "${DIGESTS_FILE}"`,
        ]),
      },
      {
        name: 'Decide on PEP 740 attestations',
        id: 'attest',
        // Whether a token secret is set, never its value.
        env: {
          WF_TARGET: `\${{ inputs.target || ${exprString(config.target)} }}`,
          WF_PYPI_TOKEN_SET: `\${{ secrets.${SECRETS.publishToken} != '' }}`,
          WF_PYPI_PASSWORD_SET: `\${{ secrets.${SECRETS.publishPassword} != '' }}`,
          WF_TESTPYPI_TOKEN_SET: `\${{ secrets.${SECRETS.testPypiToken} != '' }}`,
        },
        run: script([
          '# PyPI and TestPyPI take attestations with trusted publishing only (an upload with a token and',
          '# attestations is refused); a custom index is not assumed to understand them.',
          'mint=false',
          'case "$WF_TARGET" in',
          '  pypi) if [ "$WF_PYPI_TOKEN_SET" != true ] && [ "$WF_PYPI_PASSWORD_SET" != true ]; then mint=true; fi ;;',
          '  testpypi) if [ "$WF_TESTPYPI_TOKEN_SET" != true ]; then mint=true; fi ;;',
          'esac',
          'if [ "$mint" != true ]; then',
          '  echo "::notice::No PEP 740 attestations for target $WF_TARGET: they need trusted publishing to PyPI or TestPyPI."',
          'fi',
          'echo "mint=$mint" >> "$GITHUB_OUTPUT"',
        ]),
      },
      {
        name: 'Mint PEP 740 attestations beside the built files',
        if: `${REALLY_PUBLISHING} && steps.attest.outputs.mint == 'true'`,
        uses: ACTIONS.attestPep740,
        with: { paths: config.distGlobs.map(shlexWord).join('\n') },
      },
      {
        name: 'Publish in dependency order and wait for the index',
        env: {
          [SECRETS.publishToken]: `\${{ secrets.${SECRETS.publishToken} }}`,
          [SECRETS.testPypiToken]: `\${{ secrets.${SECRETS.testPypiToken} }}`,
          [SECRETS.publishPassword]: `\${{ secrets.${SECRETS.publishPassword} }}`,
          ...Object.fromEntries(VARIABLES.map((v) => [v, `\${{ vars.${v} }}`])),
          WF_TARGET: `\${{ inputs.target || ${exprString(config.target)} }}`,
          WF_CONCURRENCY: input('concurrency'),
          WF_MAX_RETRIES: input('max_retries'),
          WF_DRY_RUN: input('dry_run'),
          WF_SKIP_PUBLISH: input('skip_publish'),
          WF_GROUP: input('group'),
        },
        run: script([
          '# Without a token secret, uv publish uses trusted publishing (OIDC).',
          `if [ -z "$${SECRETS.publishToken}" ]; then unset ${SECRETS.publishToken}; fi`,
          `if [ -z "$${SECRETS.testPypiToken}" ]; then unset ${SECRETS.testPypiToken}; fi`,
          `if [ -z "$${SECRETS.publishPassword}" ]; then unset ${SECRETS.publishPassword}; fi`,
          `for v in ${VARIABLES.join(' ')}; do if [ -z "\${!v}" ]; then unset "$v"; fi; done`,
          'case "$WF_TARGET" in',
          '  pypi | testpypi) ;;',
          '  custom)',
          '    if [ -z "${UV_PUBLISH_URL:-}" ]; then',
          "      echo '::error::The custom target publishes to the repository variable UV_PUBLISH_URL (and UV_PUBLISH_CHECK_URL); set them.'",
          '      exit 1',
          '    fi ;;',
          "  *) echo '::error::The target input must be pypi, testpypi or custom.'; exit 1 ;;",
          'esac',
          'nx_args=()',
          ...CONCURRENCY_LINES,
          'args=("--target=$WF_TARGET")',
          'case "$WF_MAX_RETRIES" in',
          "  '') ;;",
          "  *[!0-9]*) echo '::error::The max_retries input must be a whole number.'; exit 1 ;;",
          '  *) args+=("--maxRetries=$WF_MAX_RETRIES") ;;',
          'esac',
          GROUP_LINE,
          DRY_RUN_LINE,
          'if [ "$WF_SKIP_PUBLISH" = true ]; then args+=(--skipPublish); fi',
          'set -x',
          // --excludeTaskDependencies: publish depends on build; here the build job's files are published, nothing is rebuilt.
          // Executor options go after `--`: `nx run-many` reads `--target` as its own `--targets`.
          `npx nx run-many -t ${shellWord(config.targets.publish)} --excludeTaskDependencies --output-style=static "\${nx_args[@]}" -- "\${args[@]}"`,
        ]),
      },
      {
        name: 'Check that the published files are the built ones',
        run: script([`sha256sum --check --strict -- "${DIGESTS_FILE}"`]),
      },
      {
        name: 'List the released packages the index serves as built',
        id: 'released',
        if: REALLY_PUBLISHING,
        env: {
          WF_TARGET: `\${{ inputs.target || ${exprString(config.target)} }}`,
          WF_TAGS: '${{ needs.build.outputs.tags }}',
          UV_PUBLISH_URL: '${{ vars.UV_PUBLISH_URL }}',
          UV_PUBLISH_CHECK_URL: '${{ vars.UV_PUBLISH_CHECK_URL }}',
        },
        run: script([
          'case "$WF_TARGET" in',
          '  pypi) index=https://pypi.org/simple/ ;;',
          '  testpypi) index=https://test.pypi.org/simple/ ;;',
          '  *)',
          '    index="${UV_PUBLISH_CHECK_URL:-}"',
          '    # pypiserver convention, as nx-uv publish: an upload URL that is a server root serves <root>/simple/.',
          '    if [ -z "$index" ] && [[ "${UV_PUBLISH_URL:-}" =~ ^https?://[^/]+/?$ ]]; then index="${UV_PUBLISH_URL%/}/simple/"; fi ;;',
          'esac',
          'WF_INDEX_URL="$index" python3 - <<\'PY\'',
          LIST_RELEASED_PY.trimEnd(),
          'PY',
        ]),
      },
    ],
  };
}

/**
 * Attaches the signed provenance to every GitHub Release whose tag points at the built commit (one per
 * released package or group), after the upload succeeded. Only `contents: write`: no checkout, no
 * npm, no credential but the job's own token.
 */
function provenanceAssetsJob(config: WorkflowConfig): Job {
  return {
    name: 'Attach the provenance to the GitHub Releases',
    needs: ['build', 'provenance', 'publish'],
    if: "needs.build.outputs.tags != '[]'",
    'runs-on': 'ubuntu-latest',
    'timeout-minutes': 15,
    permissions: { contents: 'write' },
    steps: [
      {
        name: 'Download the provenance',
        uses: ACTIONS.downloadArtifact,
        with: { name: '${{ needs.provenance.outputs.provenance-name }}', path: '${{ runner.temp }}/nx-uv-provenance' },
      },
      {
        name: 'Attach it to each GitHub Release of the built commit',
        env: {
          GH_TOKEN: '${{ github.token }}',
          GH_REPO: '${{ github.repository }}',
          WF_TAGS: '${{ needs.build.outputs.tags }}',
          WF_PROVENANCE: provenanceName(config),
        },
        run: script([
          'file="$RUNNER_TEMP/nx-uv-provenance/$WF_PROVENANCE"',
          'if [ ! -f "$file" ]; then',
          '  echo "::error::The provenance $WF_PROVENANCE was not downloaded."',
          '  exit 1',
          'fi',
          'while IFS= read -r tag; do',
          '  if gh release view -- "$tag" > /dev/null; then',
          '    gh release upload --clobber -- "$tag" "$file"',
          '    echo "Attached $WF_PROVENANCE to the GitHub Release $tag"',
          '  else',
          '    echo "::notice::No GitHub Release for tag $tag: the provenance is not attached there."',
          '  fi',
          'done < <(jq -r \'.[]\' <<< "$WF_TAGS")',
        ]),
      },
    ],
  };
}

/**
 * The Python that writes the PEP 723 header of the smoke test script (to stdout): the released
 * versions, and the workspace distributions they require, all from the index released to and only
 * from there (`explicit`: on TestPyPI too); third-party dependencies come from PyPI, never from it.
 */
const SMOKE_HEADER_PY = String.raw`import json, os, re, sys

released = json.loads(os.environ["WF_RELEASED"])
requires = json.loads(os.environ["WF_REQUIRES"])
index = os.environ["WF_INDEX_URL"]
if not re.fullmatch(r"https?://[^\s\"'\\]+", index):
    sys.exit(f"::error::Not an index URL: {index!r}")
for item in released + requires:
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*(==[A-Za-z0-9.!+_-]+)?", item):
        sys.exit(f"::error::Not a normalised distribution name (and version): {item!r}")
print("# /// script")
print("# dependencies = [")
for requirement in released + requires:
    print(f'#   "{requirement}",')
print("# ]")
print("#")
print("# [[tool.uv.index]]")
print('# name = "release-index"')
print(f'# url = "{index}"')
print("# explicit = true")
print("#")
print("# [tool.uv.sources]")
for requirement in released + requires:
    print(f'# {requirement.split("==")[0]} = {{ index = "release-index" }}')
print("# ///")
`;

/**
 * The smoke test proper: import every module each released distribution installed, found in its
 * RECORD (no guess from the distribution name: `acme-tools` may install `acme.tools` or `tools`).
 */
const SMOKE_BODY_PY = String.raw`import importlib, importlib.metadata, json, os, sys, traceback


def import_names(dist):
    """Top-level modules and packages a distribution installed, and the packages inside a namespace
    package (acme/tools/__init__.py -> acme.tools)."""
    files = {str(f).replace("\\", "/") for f in dist.files or []}

    def walk(prefix, dotted):
        found, folders = [], set()
        for f in files:
            if not f.startswith(prefix):
                continue
            head, sep, _ = f[len(prefix):].partition("/")
            if sep:
                folders.add(head)
            elif head.endswith(".py") and head != "__init__.py" and head[:-3].isidentifier():
                found.append(dotted + head[:-3])
            elif head.endswith((".so", ".pyd")) and head.split(".")[0].isidentifier():
                found.append(dotted + head.split(".")[0])
        for folder in sorted(folders):
            if not folder.isidentifier() or folder == "__pycache__":
                continue  # *.dist-info, *.data, ../bin
            if f"{prefix}{folder}/__init__.py" in files:
                found.append(dotted + folder)
            else:
                found.extend(walk(f"{prefix}{folder}/", f"{dotted}{folder}."))
        return found

    return sorted(set(walk("", "")))


failed = False
for requirement in json.loads(os.environ["WF_RELEASED"]):
    name, version = requirement.split("==")
    dist = importlib.metadata.distribution(name)
    modules = import_names(dist)
    if not modules:
        print(f"{name} {dist.version}: installed; it has no module to import")
    for module in modules:
        try:
            importlib.import_module(module)
            print(f"{name} {dist.version}: import {module}: ok")
        except Exception:
            failed = True
            print(f"::error::{name} {dist.version}: import {module} failed")
            traceback.print_exc()
sys.exit(1 if failed else 0)
`;

/** Attempts of the smoke test's install, and the pause before each retry (the index's propagation delay). */
export const SMOKE_INSTALL_ATTEMPTS = 8;

/**
 * After a real upload: a fresh runner with nothing but uv installs every package this run released
 * from the index it went to (retrying while the index propagates the upload) and imports each module
 * it installed. No checkout, no npm, no credential: `contents: read`.
 */
function smokeTestJob(config: WorkflowConfig): Job {
  const uvWith: Step = { 'enable-cache': false };
  if (config.pythonVersion !== undefined) uvWith['python-version'] = config.pythonVersion;
  return {
    name: 'Install the released packages from the index and import them',
    needs: 'publish',
    if: `${REALLY_PUBLISHING} && needs.publish.outputs.released != '[]'`,
    'runs-on': 'ubuntu-latest',
    'timeout-minutes': 30,
    permissions: { contents: 'read' },
    steps: [
      { name: 'Set up uv', uses: ACTIONS.setupUv, with: uvWith },
      {
        name: 'Install in a fresh environment and import',
        env: {
          WF_RELEASED: '${{ needs.publish.outputs.released }}',
          WF_REQUIRES: '${{ needs.publish.outputs.requires }}',
          WF_INDEX_URL: '${{ needs.publish.outputs.index-url }}',
        },
        run: script([
          'smoke="$RUNNER_TEMP/nx-uv-smoke/smoke_test.py"',
          'mkdir -p "$(dirname "$smoke")"',
          'python3 - > "$smoke" <<\'PY\'',
          SMOKE_HEADER_PY.trimEnd(),
          'PY',
          'cat >> "$smoke" <<\'PY\'',
          SMOKE_BODY_PY.trimEnd(),
          'PY',
          'cat "$smoke"',
          'attempt=1',
          // --refresh: what the index said a moment ago is not what it serves now.
          'until uv sync --refresh --script "$smoke"; do',
          `  if [ "$attempt" -ge ${SMOKE_INSTALL_ATTEMPTS} ]; then`,
          `    echo "::error::The released packages could not be installed from $WF_INDEX_URL after ${SMOKE_INSTALL_ATTEMPTS} attempts."`,
          '    exit 1',
          '  fi',
          '  pause=$(( attempt < 4 ? attempt * 15 : 60 ))',
          '  echo "Not installable yet (attempt $attempt); the index may still be propagating the upload: retrying in ${pause}s."',
          '  sleep "$pause"',
          '  attempt=$(( attempt + 1 ))',
          'done',
          'uv run --script "$smoke"',
        ]),
      },
    ],
  };
}

/** A word for Python's shlex.split (attest-action's `paths`): bare unless it holds blanks or quotes. */
function shlexWord(value: string): string {
  return /^[^\s'"\\#]+$/.test(value) ? value : `'${value.split("'").join(`'"'"'`)}'`;
}

function notifyJob(config: WorkflowConfig, notifyTarget: string): Job {
  const repositories = config.notifyRepositories.map((r) => shellWord(`--repositories=${r}`));
  return {
    name: 'Notify downstream repositories',
    needs: ['release', 'publish'],
    if: `needs.publish.result == 'success' && !(${DISPATCH} && inputs.skip_publish)`,
    'runs-on': 'ubuntu-latest',
    'timeout-minutes': 15,
    // Only what actions/checkout needs to clone a private repository; GitHub is called with the dispatch token.
    permissions: { contents: 'read' },
    steps: [
      ...setupSteps(config, { ref: RELEASE_COMMIT }),
      {
        name: 'Send repository_dispatch',
        env: { GITHUB_TOKEN: `\${{ secrets.${SECRETS.dispatchToken} }}`, WF_DRY_RUN: input('dry_run'), WF_GROUP: input('group') },
        run: script([
          `args=(${repositories.join(' ')})`,
          GROUP_LINE,
          DRY_RUN_LINE,
          'set -x',
          `npx nx run ${shellWord(`${config.workspaceProject}:${notifyTarget}`)} -- "\${args[@]}"`,
        ]),
      },
    ],
  };
}

function dispatchInputs(config: WorkflowConfig): Json {
  return {
    action: {
      description: 'Stage to run: prepare (open or update the release PR) or release (tag, publish, notify)',
      type: 'choice',
      options: ['prepare', 'release'],
      default: 'release',
    },
    target: {
      description: 'Package index to publish to',
      type: 'choice',
      options: ['pypi', 'testpypi', 'custom'],
      default: config.target,
    },
    dry_run: { description: 'Simulate: no PR, tag, upload or dispatch', type: 'boolean', default: true },
    force_prepare: { description: 'Open the release PR even when no package needs a bump', type: 'boolean', default: false },
    group: { description: 'Release group to limit the release to (empty = all packages)', type: 'string', default: '' },
    bump_type: {
      description: 'Version bump: auto (from Conventional Commits) or forced',
      type: 'choice',
      options: ['auto', 'patch', 'minor', 'major'],
      default: 'auto',
    },
    prerelease: { description: 'PEP 440 prerelease kind, e.g. rc, a, b, dev (empty = final release)', type: 'string', default: '' },
    skip_publish: { description: 'Tag and build, but upload nothing (and notify nobody)', type: 'boolean', default: false },
    concurrency: { description: 'Parallel build and publish tasks (0 = auto)', type: 'string', default: '0' },
    max_retries: { description: 'Retries of a failed upload', type: 'string', default: '2' },
  };
}

/** The header comment of the workflow file (without `#`). */
export function headerComment(config: WorkflowConfig): string {
  return [
    ` Generated by nx-uv. Do not edit: the generator owns this file and rewrites it. Regenerate with`,
    ...config.regenerateCommand.split('\n').map((line) => `   ${line}`),
    ` Push to ${config.branch} -> prepare (release PR). Merged PR labelled "${config.releaseLabel}" -> release (tags, GitHub Releases)`,
    ' -> build (no credentials) -> provenance (SLSA Build L3) -> publish (digests checked, PEP 740 attestations)',
    ' -> provenance-assets (provenance on each GitHub Release), smoke-test (install from the index, import), notify.',
    ' Manual runs (workflow_dispatch) do either stage and are dry runs unless dry_run is unticked.',
    ` Secrets: ${SECRETS.publishToken} (optional; trusted publishing otherwise), ${SECRETS.testPypiToken} (testpypi),`,
    ` ${SECRETS.dispatchToken} (notify; a token that may send repository_dispatch to the downstream repositories),`,
    ` ${SECRETS.releasePrToken} (optional; a PAT or App token so that the release PR runs your CI checks).`,
    ` Variable ${SLSA_PRIVATE_VARIABLE}=true: provenance for a private repository too (its name reaches the public Rekor log).`,
  ].join('\n');
}

/** The workflow as a plain object, keys in the order they are written. */
export function buildWorkflow(config: WorkflowConfig): { [key: string]: Json } {
  const push: { [key: string]: Json } = { branches: [config.branch] };
  if (config.paths.length > 0) push.paths = config.paths;
  const jobs: { [key: string]: Json } = {
    prepare: prepareJob(config),
    release: releaseJob(config),
    build: buildJob(config),
    provenance: provenanceJob(config),
    publish: publishJob(config),
    'provenance-assets': provenanceAssetsJob(config),
    'smoke-test': smokeTestJob(config),
  };
  if (config.targets.notify !== false) jobs.notify = notifyJob(config, config.targets.notify);
  return {
    name: config.name,
    on: {
      push,
      pull_request: { types: ['closed'], branches: [config.branch] },
      workflow_dispatch: { inputs: dispatchInputs(config) },
    },
    permissions: {},
    defaults: { run: { shell: 'bash' } },
    jobs,
  };
}
