import { truncateBody } from './body-limits';
import { GitHubApiError, toApiError } from './errors';

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
    expect(error.errors).toEqual([
      { resource: 'PullRequest', code: 'custom', message: 'A pull request already exists for o:b.' },
      { resource: 'Label', field: 'name', code: 'invalid' },
    ]);
    expect(error.hasValidationError('invalid', 'Label')).toBe(true);
    expect(error.hasValidationError('already_exists')).toBe(false);
    const network = toApiError(new Error('connect ECONNREFUSED with tok-123456'), 'read repository o/r', 'tok-123456');
    expect(network.status).toBeUndefined();
    expect(network.message).toBe('GitHub: could not read repository o/r: connect ECONNREFUSED with ***');
    expect(network.errors).toEqual([]);
  });

  it('masks the token and any GitHub token shape in the message (through redact.ts)', () => {
    const other = `ghs_${'x'.repeat(36)}`;
    const error = toApiError({ status: 401, message: `Bad credentials for tok-123456 and ${other}` }, 'read repository o/r', 'tok-123456');
    expect(error.message).toContain('(HTTP 401): Bad credentials for *** and *** — ');
    expect(error.message).not.toContain('tok-123456');
    expect(error.message).not.toContain(other);
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
