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
  attest: { repo: 'actions/attest-build-provenance', sha: 'a2bbfa25375fe432b6a289bc6b6cd05ecd0c4c32', version: 'v4.1.0' },
  uploadArtifact: { repo: 'actions/upload-artifact', sha: 'bbbca2ddaa5d8feaa63e36b76fdaad77386f024f', version: 'v7.0.0' },
} as const;

/** The `uses:` value of each action: `<repo>@<sha>`. */
export const ACTIONS = Object.fromEntries(Object.entries(PINNED_ACTIONS).map(([k, a]) => [k, `${a.repo}@${a.sha}`])) as Record<
  keyof typeof PINNED_ACTIONS,
  string
>;

/** The release a pinned `uses:` value stands for (for the comment beside it), or undefined. */
export function pinnedVersionOf(uses: string): string | undefined {
  return Object.values(PINNED_ACTIONS).find((a) => uses === `${a.repo}@${a.sha}`)?.version;
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

function publishJob(config: WorkflowConfig): Job {
  const distLines = config.distGlobs.join('\n');
  const digests = '$RUNNER_TEMP/nx-uv-dists.sha256';
  return {
    name: 'Build, attest and publish to the package index',
    needs: 'release',
    if: "needs.release.result == 'success'",
    'runs-on': 'ubuntu-latest',
    'timeout-minutes': 60,
    permissions: { contents: 'read', 'id-token': 'write', attestations: 'write' },
    environment: config.environment,
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
          `sha256sum "\${files[@]}" | tee "${digests}"`,
        ]),
      },
      {
        name: 'Attest build provenance',
        if: REALLY_PUBLISHING,
        uses: ACTIONS.attest,
        with: { 'subject-path': distLines },
      },
      {
        name: 'Keep the built files as a workflow artifact',
        uses: ACTIONS.uploadArtifact,
        with: { name: `${config.name}-dists`, path: distLines, 'if-no-files-found': 'error', 'retention-days': 14 },
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
          // Executor options go after `--`: `nx run-many` reads `--target` as its own `--targets`.
          `npx nx run-many -t ${shellWord(config.targets.publish)} --output-style=static "\${nx_args[@]}" -- "\${args[@]}"`,
        ]),
      },
      {
        name: 'Check that the published files are the attested ones',
        run: script([`sha256sum --check --strict "${digests}"`]),
      },
    ],
  };
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
    ` Push to ${config.branch} -> prepare (release PR). Merged PR labelled "${config.releaseLabel}" -> release -> publish -> notify.`,
    ' Manual runs (workflow_dispatch) do either stage and are dry runs unless dry_run is unticked.',
    ` Secrets: ${SECRETS.publishToken} (optional; trusted publishing otherwise), ${SECRETS.testPypiToken} (testpypi),`,
    ` ${SECRETS.dispatchToken} (notify; a token that may send repository_dispatch to the downstream repositories),`,
    ` ${SECRETS.releasePrToken} (optional; a PAT or App token so that the release PR runs your CI checks).`,
  ].join('\n');
}

/** The workflow as a plain object, keys in the order they are written. */
export function buildWorkflow(config: WorkflowConfig): { [key: string]: Json } {
  const push: { [key: string]: Json } = { branches: [config.branch] };
  if (config.paths.length > 0) push.paths = config.paths;
  const jobs: { [key: string]: Json } = {
    prepare: prepareJob(config),
    release: releaseJob(config),
    publish: publishJob(config),
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
