/**
 * Where to upload, and where to look for what is already there.
 *
 * Rules (first match wins, for each of the two URLs separately):
 * - publish URL: the `publishUrl` option; else the preset of `target` (`pypi` →
 *   https://upload.pypi.org/legacy/, `testpypi` → https://test.pypi.org/legacy/); else `UV_PUBLISH_URL`
 *   (uv's own variable); with no target and nothing else, PyPI.
 *   `target: 'custom'` has no preset and needs `publishUrl` or `UV_PUBLISH_URL`.
 * - check URL (the simple index base, PEP 503/691): the `checkUrl` option; else the preset of the
 *   target (`https://pypi.org/simple/`, `https://test.pypi.org/simple/`); else `UV_PUBLISH_CHECK_URL`;
 *   else, when the publish URL is one of the two well-known upload endpoints, its index (a table look-up,
 *   never string surgery: TestPyPI uploads to `/legacy/` but serves `/simple/`); else the one documented
 *   derivation — the **pypiserver convention**: an upload URL that is a server root (`http://host[:port]/`,
 *   path exactly `/`) serves its simple index at `http://host[:port]/simple/`. Anything else is an
 *   error asking for `checkUrl` / `UV_PUBLISH_CHECK_URL`: guessing the index of an arbitrary upload
 *   endpoint (devpi, Artifactory, Nexus, GitLab, CodeArtifact) is how peers ended up polling URLs that
 *   never answer.
 * The check URL always ends with `/`; the publish URL is kept as given.
 */
import { redactUrlCredentials } from '../redact';

export type IndexTargetName = 'pypi' | 'testpypi' | 'custom';

export interface IndexTargetInput {
  target?: IndexTargetName;
  publishUrl?: string;
  checkUrl?: string;
  env?: NodeJS.ProcessEnv;
}

export interface IndexTarget {
  target: IndexTargetName;
  /** Upload endpoint given to `uv publish --publish-url`. */
  publishUrl: string;
  /** Simple index base (ends with `/`); `<checkUrl><normalized-name>/` lists a project's files. */
  checkUrl: string;
  /** Warehouse JSON API base (`<base><name>/json`), only for PyPI and TestPyPI. */
  jsonApiBase?: string;
  /** Where each URL came from, for logs ("option publishUrl", "target pypi", "UV_PUBLISH_URL", …). */
  sources: { publishUrl: string; checkUrl: string };
}

interface Preset {
  publishUrl: string;
  checkUrl: string;
  jsonApiBase: string;
}

export const INDEX_PRESETS: Record<'pypi' | 'testpypi', Preset> = {
  pypi: {
    publishUrl: 'https://upload.pypi.org/legacy/',
    checkUrl: 'https://pypi.org/simple/',
    jsonApiBase: 'https://pypi.org/pypi/',
  },
  testpypi: {
    publishUrl: 'https://test.pypi.org/legacy/',
    checkUrl: 'https://test.pypi.org/simple/',
    jsonApiBase: 'https://test.pypi.org/pypi/',
  },
};

const nonEmpty = (v: string | undefined): string | undefined => (v && v.trim() !== '' ? v.trim() : undefined);

function parseHttpUrl(value: string, what: string): URL {
  // Shown without its userinfo: these messages end up in logs Nx keeps on disk.
  const shown = JSON.stringify(redactUrlCredentials(value));
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${what} ${shown} is not a valid URL: give an absolute http(s) URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new Error(`${what} ${shown} must be an http(s) URL`);
  }
  if (url.username || url.password) {
    throw new Error(`${what} must not contain credentials (user:password@): pass them in UV_PUBLISH_USERNAME/UV_PUBLISH_PASSWORD or UV_PUBLISH_TOKEN`);
  }
  return url;
}

/** Compare URLs ignoring a trailing slash and default ports. */
function sameEndpoint(a: URL, b: string): boolean {
  const u = new URL(b);
  const strip = (p: string) => p.replace(/\/+$/, '');
  return a.protocol === u.protocol && a.host === u.host && strip(a.pathname) === strip(u.pathname);
}

function withTrailingSlash(url: URL): string {
  const copy = new URL(url.href);
  copy.search = '';
  copy.hash = '';
  if (!copy.pathname.endsWith('/')) copy.pathname += '/';
  return copy.href;
}

export function resolveIndexTarget(input: IndexTargetInput): IndexTarget {
  const env = input.env ?? {};
  const explicitPublish = nonEmpty(input.publishUrl);
  const explicitCheck = nonEmpty(input.checkUrl);
  const envPublish = nonEmpty(env.UV_PUBLISH_URL);
  const envCheck = nonEmpty(env.UV_PUBLISH_CHECK_URL);
  const target: IndexTargetName = input.target ?? (explicitPublish || envPublish ? 'custom' : 'pypi');
  if (!['pypi', 'testpypi', 'custom'].includes(target)) {
    throw new Error(`Unknown publish target ${JSON.stringify(target)}: use pypi, testpypi or custom`);
  }
  const preset = target === 'custom' ? undefined : INDEX_PRESETS[target];

  let publishRaw: string;
  let publishSource: string;
  if (explicitPublish) [publishRaw, publishSource] = [explicitPublish, 'option publishUrl'];
  else if (preset) [publishRaw, publishSource] = [preset.publishUrl, `target ${target}`];
  else if (envPublish) [publishRaw, publishSource] = [envPublish, 'UV_PUBLISH_URL'];
  else {
    throw new Error(
      'The custom publish target needs an upload URL: set the publishUrl option (--publishUrl) or UV_PUBLISH_URL ' +
        '(e.g. http://host:8080/ for pypiserver, https://upload.pypi.org/legacy/ for PyPI).',
    );
  }
  const publishUrl = parseHttpUrl(publishRaw, `Publish URL (${publishSource})`);

  const known = (Object.keys(INDEX_PRESETS) as ('pypi' | 'testpypi')[]).find((k) => sameEndpoint(publishUrl, INDEX_PRESETS[k].publishUrl));

  let checkRaw: string;
  let checkSource: string;
  if (explicitCheck) [checkRaw, checkSource] = [explicitCheck, 'option checkUrl'];
  else if (preset && !explicitPublish) [checkRaw, checkSource] = [preset.checkUrl, `target ${target}`];
  else if (envCheck) [checkRaw, checkSource] = [envCheck, 'UV_PUBLISH_CHECK_URL'];
  else if (known) [checkRaw, checkSource] = [INDEX_PRESETS[known].checkUrl, `well-known index of ${publishUrl.href}`];
  else if (publishUrl.pathname === '/' && !publishUrl.search) {
    [checkRaw, checkSource] = [new URL('/simple/', publishUrl).href, 'pypiserver convention (<root>/simple/)'];
  } else {
    throw new Error(
      `Cannot tell which simple index serves uploads to ${publishUrl.href} (from ${publishSource}): set the checkUrl ` +
        'option (--checkUrl) or UV_PUBLISH_CHECK_URL to the index base, e.g. https://pypi.example.com/simple/. ' +
        'nx-uv derives it only for PyPI, TestPyPI and a pypiserver root URL (http://host/ → http://host/simple/).',
    );
  }
  const checkUrl = parseHttpUrl(checkRaw, `Check URL (${checkSource})`);

  const jsonKey = known ?? (preset && !explicitPublish ? target : undefined);
  const result: IndexTarget = {
    target,
    publishUrl: publishUrl.href,
    checkUrl: withTrailingSlash(checkUrl),
    sources: { publishUrl: publishSource, checkUrl: checkSource },
  };
  if (jsonKey === 'pypi' || jsonKey === 'testpypi') {
    // Only when the check URL really is that index's simple API.
    if (sameEndpoint(checkUrl, INDEX_PRESETS[jsonKey].checkUrl)) result.jsonApiBase = INDEX_PRESETS[jsonKey].jsonApiBase;
  }
  return result;
}
