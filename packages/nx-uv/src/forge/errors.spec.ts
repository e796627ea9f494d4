import { truncateBody } from './body-limits';
import { GitHubApiError, redactSecrets, toApiError } from './errors';

describe('redactSecrets', () => {
  it('removes the given secrets and GitHub token shapes', () => {
    expect(redactSecrets('a my-secret-value b my-secret-value', ['my-secret-value'])).toBe('a *** b ***');
    expect(redactSecrets(`x ghp_${'a'.repeat(36)} y github_pat_${'B'.repeat(40)}`, [])).toBe('x *** y ***');
    expect(redactSecrets('authorization: token abcdefghijklmnopqrstuvwxyz', [])).toBe('authorization: token ***');
  });
});

describe('toApiError', () => {
  it("states the action, status, GitHub's reasons and a hint, without the token", () => {
    const error = toApiError(
      {
        status: 422,
        message: 'Validation Failed',
        response: {
          data: {
            message: 'Validation Failed',
            errors: [
              { resource: 'PullRequest', code: 'custom', message: 'A pull request already exists for o:b.' },
              { resource: 'Label', field: 'name', code: 'invalid' },
            ],
          },
        },
      },
      'create pull request b → main in o/r',
      'tok-123456',
    );
    expect(error).toBeInstanceOf(GitHubApiError);
    expect(error.status).toBe(422);
    expect(error.message).toBe(
      'GitHub: could not create pull request b → main in o/r (HTTP 422): Validation Failed; A pull request already exists for o:b.; Label name invalid — GitHub refused the input',
    );
    const network = toApiError(new Error('connect ECONNREFUSED with tok-123456'), 'read repository o/r', 'tok-123456');
    expect(network.status).toBeUndefined();
    expect(network.message).toBe('GitHub: could not read repository o/r: connect ECONNREFUSED with ***');
  });
});

describe('truncateBody', () => {
  it('keeps short text and cuts long text to the limit with a note', () => {
    expect(truncateBody('short', 100)).toBe('short');
    const cut = truncateBody('y'.repeat(500), 200);
    expect(cut).toHaveLength(200);
    expect(cut).toMatch(/^y+\n\n… \(truncated/);
  });
});
