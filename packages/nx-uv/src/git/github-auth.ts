/**
 * Credentials for git's network commands against GitHub, passed in the environment of that one git
 * process (git's GIT_CONFIG_COUNT/KEY/VALUE), so the release workflow can check out with
 * `persist-credentials: false`: the token is never written to .git/config (where a later step could
 * leak it through an artifact) and never put on a command line (where `ps` shows it).
 */
import { remoteUrl } from './repo';

/** The environment that lets git authenticate to `url` with GITHUB_TOKEN (or GH_TOKEN); {} when it does not apply. */
export function gitHubAuthEnv(url: string | undefined, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const token = env.GITHUB_TOKEN || env.GH_TOKEN;
  if (!token || !url) return {};
  let server: URL;
  let remote: URL;
  try {
    server = new URL(env.GITHUB_SERVER_URL || 'https://github.com');
    remote = new URL(url);
  } catch {
    return {}; // scp-like (git@github.com:o/r.git) or a path: not an https remote, its own credentials
  }
  if (remote.protocol !== 'https:' || remote.host !== server.host || remote.username || remote.password) return {};
  const index = Number(env.GIT_CONFIG_COUNT ?? '0') || 0;
  const basic = Buffer.from(`x-access-token:${token}`).toString('base64');
  return {
    GIT_CONFIG_COUNT: String(index + 1),
    [`GIT_CONFIG_KEY_${index}`]: `http.${server.origin}/.extraheader`,
    [`GIT_CONFIG_VALUE_${index}`]: `AUTHORIZATION: basic ${basic}`,
  };
}

/** gitHubAuthEnv for the URL of `remote` (a name or a URL). */
export async function remoteAuthEnv(cwd: string, remote: string, env: NodeJS.ProcessEnv = process.env): Promise<NodeJS.ProcessEnv> {
  const url = /^[a-z][a-z0-9+.-]*:\/\//i.test(remote) ? remote : await remoteUrl(cwd, remote).catch(() => undefined);
  return gitHubAuthEnv(url, env);
}
