/**
 * Where to upload, and which simple index (PEP 503/691) shows what is already there.
 * The index is derived only for PyPI, TestPyPI and a pypiserver root URL; any other upload endpoint
 * needs `checkUrl` or `UV_PUBLISH_CHECK_URL`. Guessing the index of an arbitrary endpoint (devpi,
 * Artifactory, Nexus, GitLab, CodeArtifact) is how peers ended up polling URLs that never answer.
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

/**
 * First match wins, for each URL separately.
 * - Publish URL: the `publishUrl` option; the target's preset; `UV_PUBLISH_URL`. With no target and
 *   no URL the target is PyPI; `target: 'custom'` has no preset and needs one of the other two.
 * - Check URL: the `checkUrl` option; the target's preset; `UV_PUBLISH_CHECK_URL`; the index of a
 *   well-known upload endpoint (a table look-up, not string surgery: TestPyPI uploads to `/legacy/`
 *   but serves `/simple/`); for a server root `http://host[:port]/`, its `/simple/` (pypiserver).
 *   Anything else is an error.
 * The check URL always ends with `/`; the publish URL is kept as given.
 */
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
