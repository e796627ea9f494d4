/**
 * Bad input in a uv workspace: nx fails with an error that names the file at fault, and works
 * again (no stale cached failure) once the file is fixed.
 */
import { createNxWorkspace, parseJsonOutput, type NxWorkspace } from './harness';
import { memberNames, uvWorkspaceFiles } from './fixtures/uv-workspace';

let ws: NxWorkspace;

beforeAll(() => {
  ws = createNxWorkspace({ files: uvWorkspaceFiles });
});

afterAll(() => ws?.cleanup());

const utils = 'packages/utils/pyproject.toml';

/**
 * The output of a failing `nx show projects` with `content` in packages/utils/pyproject.toml, less
 * the `- <file>:` heading Nx itself prints per failing file: what is left is the plugin's message.
 */
function failureWith(content: string): string {
  ws.writeFiles({ [utils]: content });
  try {
    const error = ws.runNxExpectingFailure(['show', 'projects', '--json']);
    const output = `${error.stdout}\n${error.stderr}`;
    expect(output).toContain('nx-uv');
    return output
      .split('\n')
      .filter((line) => line.trim() !== `- ${utils}:`)
      .join('\n');
  } finally {
    ws.git(['checkout', '--', utils]);
  }
}

function projectsAfterFix(): string[] {
  return parseJsonOutput<string[]>(ws.runNx(['show', 'projects', '--json']).stdout).sort();
}

it('a malformed pyproject.toml fails with an error naming the file and the line', () => {
  const output = failureWith('[project]\nname = "util.helpers"\nversion = "0.4.1\ndependencies = [\n');
  expect(output).toContain(utils);
  expect(output).toMatch(/line 3\b/);
  expect(projectsAfterFix()).toEqual([...memberNames, 'uv-workspace'].sort());
});

it('an invalid requirement fails with an error naming the file and the requirement', () => {
  const output = failureWith(uvWorkspaceFiles[utils].replace('"core-lib>=1.0",', '"core-lib >>> 1.0",'));
  expect(output).toContain(utils);
  expect(output).toContain('core-lib >>> 1.0');
  expect(projectsAfterFix()).toEqual([...memberNames, 'uv-workspace'].sort());
});

describe('exit status of ordinary failures (issue 14: 130 reads as "cancelled" in CI)', () => {
  const env = { UV_PUBLISH_TOKEN: '', UV_PUBLISH_USERNAME: '', UV_PUBLISH_PASSWORD: '', UV_PUBLISH_URL: '' };

  it('version and publish failing on bad input exit 1 in batch mode (the default), dependents reported failed, not skipped', () => {
    // No credentials: every publish task fails before contacting an index; its dependents are not run.
    const publish = ws.runNxExpectingFailure(['run-many', '-t', 'publish', '--exclude-task-dependencies', '--batch'], env);
    expect(publish.status).toBe(1);
    expect(`${publish.stdout}${publish.stderr}`).toContain('api-client:publish skipped, nothing uploaded: its dependency');
    // An exact version below the current one: the plan refuses, naming the package.
    const version = ws.runNxExpectingFailure(['run-many', '-t', 'version', '--batch', '--', '--releaseAs=core-lib=0.0.1'], env);
    expect(version.status).toBe(1);
    expect(`${version.stdout}${version.stderr}`).toMatch(/core-lib/);
  });

  it('one task failing exits 1; with --batch=false Nx itself exits 130 once it skips a dependent (any executor: its didCommandComplete)', () => {
    expect(ws.runNxExpectingFailure(['run', 'scripts:publish', '--exclude-task-dependencies'], env).status).toBe(1);
    expect(ws.runNxExpectingFailure(['run-many', '-t', 'publish', '--exclude-task-dependencies', '--batch=false'], env).status).toBe(130);
  });
});
