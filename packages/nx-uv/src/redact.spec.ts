import { redact, redactAuthHeaders, redactGitHubTokens } from './redact';

describe('redactGitHubTokens', () => {
  it.each([
    ['personal access token (classic)', `ghp_${'a1B2'.repeat(9)}`],
    ['OAuth token', `gho_${'Z9y8'.repeat(9)}`],
    ['user-to-server token', `ghu_${'k'.repeat(36)}`],
    ['server-to-server token (GITHUB_TOKEN)', `ghs_${'Q'.repeat(36)}`],
    ['refresh token', `ghr_${'7'.repeat(36)}`],
    ['fine-grained personal access token', `github_pat_11ABCDEFG0${'x'.repeat(12)}_${'Yz'.repeat(30)}`],
  ])('masks a %s wherever it appears, with no secret given', (_kind, token) => {
    expect(redactGitHubTokens(`fatal: ${token} rejected`)).toBe('fatal: *** rejected');
    expect(redact(`remote: ${token}\nhttps://x-access-token:${token}@github.com/o/r`)).toBe('remote: ***\nhttps://***@github.com/o/r');
  });

  it('leaves words that only start like a token alone', () => {
    expect(redactGitHubTokens('ghp_short gh_pages ghx_abcdefghijklmnopqrstuvwxyz')).toBe('ghp_short gh_pages ghx_abcdefghijklmnopqrstuvwxyz');
  });
});

describe('redactAuthHeaders', () => {
  it('masks Authorization headers, also as JSON, git extraheaders, Bearer values and token assignments', () => {
    expect(redactAuthHeaders('Authorization: token abcdefghijklmnopqrstuvwxyz')).toBe('Authorization: token ***');
    expect(redactAuthHeaders('authorization: Basic dXNlcjpwdw==')).toBe('authorization: Basic ***');
    expect(redactAuthHeaders('{"authorization": "bearer abc.def.ghi"}')).toBe('{"authorization": "bearer ***"}');
    expect(redactAuthHeaders('http.extraheader=AUTHORIZATION: basic abc123')).toBe('http.extraheader=AUTHORIZATION: basic ***');
    expect(redactAuthHeaders('sent Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig')).toBe('sent Bearer ***');
    expect(redactAuthHeaders('GITHUB_TOKEN=abcdefghijklmnopqrstuvwxyz0123 and "token": "abcdefghijklmnopqrstuvwxyz"')).toBe(
      'GITHUB_TOKEN=*** and "token": "***"',
    );
    expect(redactAuthHeaders('https://h/x?access_token=abcdefghijklmnopqrstuvwxyz')).toBe('https://h/x?access_token=***');
  });

  it('leaves ordinary output readable', () => {
    const text = 'Downloading tokenizers-0.15.2-cp39-abi3-manylinux_2_17_x86_64.whl; bearer of news; token: short; ai-token==1.2.3.post20240101+local.abc';
    expect(redactAuthHeaders(text)).toBe(text);
  });
});

describe('redact', () => {
  it('masks a given secret, its encodings, and token shapes together', () => {
    const secret = 'pypi-AgEIcHlwaS5vcmc';
    const github = `ghp_${'c'.repeat(36)}`;
    expect(redact(`uv: ${secret} / ${encodeURIComponent(secret)} / ${github}`, [secret])).toBe('uv: *** / *** / ***');
  });
});
