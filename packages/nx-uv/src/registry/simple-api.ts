/**
 * Reading a project's file list from a simple index: PEP 691 JSON when the index speaks it, else the
 * PEP 503 HTML page (anchors, `#sha256=` fragments). One request with content negotiation: the index
 * picks the format by `Accept`, and the answer is parsed by its `Content-Type`.
 */
import { isRetryable } from './retry';
import { decodeHtmlEntities, IndexHttpError, IndexRequestError, IndexResponseError, summarizeBody } from './errors';
import { normalizeName } from '../workspace/normalize-name';

export interface RemoteDistribution {
  filename: string;
  /** Lower-case hex; absent when the index gives no sha256. */
  sha256?: string;
  /** Absolute download URL (without fragment). */
  url: string;
  yanked?: boolean;
}

export type SimpleFormat = 'auto' | 'json' | 'html';

export interface SimpleRequestOptions {
  /** `auto` (default) negotiates; `json` insists on PEP 691; `html` asks only for PEP 503 HTML. */
  format?: SimpleFormat;
  /** Basic auth for private indexes that protect listing. */
  basicAuth?: { username: string; password: string };
  /** Per-request time-out. Default 30000 ms. */
  timeoutMs?: number;
  /** Injectable fetch (tests). */
  fetch?: typeof fetch;
}

export const PEP691_JSON = 'application/vnd.pypi.simple.v1+json';
const ACCEPT: Record<SimpleFormat, string> = {
  auto: `${PEP691_JSON}, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01`,
  json: PEP691_JSON,
  html: 'application/vnd.pypi.simple.v1+html, text/html;q=0.9',
};

/** PEP 503 normalisation: lower case, runs of `-`, `_`, `.` become one `-`. */
export function normalizeProjectName(name: string): string {
  return normalizeName(name);
}

/** `<checkUrl><normalized>/`. */
export function projectPageUrl(checkUrl: string, project: string): string {
  if (!project.trim()) throw new Error('A project name is needed to read its simple index page');
  const base = checkUrl.endsWith('/') ? checkUrl : `${checkUrl}/`;
  return new URL(`${encodeURIComponent(normalizeProjectName(project))}/`, base).href;
}

function splitUrl(href: string, base: string): { url: string; sha256?: string } {
  const u = new URL(href, base);
  const hash = u.hash.slice(1);
  u.hash = '';
  const m = /^sha256=([0-9a-fA-F]{64})$/.exec(hash);
  return m ? { url: u.href, sha256: m[1].toLowerCase() } : { url: u.href };
}

/** Pure: parse a PEP 691 JSON project page. */
export function parseSimpleJson(text: string, pageUrl: string): RemoteDistribution[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new IndexResponseError(pageUrl, `invalid JSON (${(e as Error).message})`);
  }
  const files = (doc as { files?: unknown })?.files;
  if (!Array.isArray(files)) throw new IndexResponseError(pageUrl, 'PEP 691 JSON without a "files" list');
  return files.map((f, i) => {
    const file = f as { filename?: unknown; url?: unknown; hashes?: Record<string, unknown>; yanked?: unknown };
    if (typeof file.filename !== 'string' || typeof file.url !== 'string') {
      throw new IndexResponseError(pageUrl, `files[${i}] lacks "filename" or "url"`);
    }
    const { url, sha256: fragmentSha } = splitUrl(file.url, pageUrl);
    const hashSha = typeof file.hashes?.sha256 === 'string' ? file.hashes.sha256.toLowerCase() : undefined;
    const out: RemoteDistribution = { filename: file.filename, url };
    const sha256 = hashSha ?? fragmentSha;
    if (sha256) out.sha256 = sha256;
    if (file.yanked !== undefined && file.yanked !== false) out.yanked = true;
    return out;
  });
}

/** Pure: parse a PEP 503 HTML project page (every anchor is a file). */
export function parseSimpleHtml(html: string, pageUrl: string): RemoteDistribution[] {
  let base = pageUrl;
  const baseTag = /<base\s[^>]*href\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/i.exec(html);
  if (baseTag) base = new URL(decodeHtmlEntities(baseTag[1] ?? baseTag[2] ?? baseTag[3]), pageUrl).href;
  const out: RemoteDistribution[] = [];
  const anchor = /<a\s([^>]*)>([\s\S]*?)<\/a\s*>/gi;
  for (let m = anchor.exec(html); m; m = anchor.exec(html)) {
    const attrs = m[1];
    const href = /(?:^|\s)href\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/i.exec(attrs);
    if (!href) continue;
    const { url, sha256 } = splitUrl(decodeHtmlEntities(href[1] ?? href[2] ?? href[3]), base);
    let filename = decodeHtmlEntities(m[2].replace(/<[^>]*>/g, '')).trim();
    if (!filename) filename = decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '');
    const file: RemoteDistribution = { filename, url };
    if (sha256) file.sha256 = sha256;
    if (/(?:^|\s)data-yanked(?:\s|=|$)/i.test(attrs)) file.yanked = true;
    out.push(file);
  }
  return out;
}

/**
 * The files an index lists for `project` (normalised per PEP 503 in the URL). A 404 means the project
 * does not exist yet: an empty list. Other HTTP errors throw IndexHttpError, network failures
 * IndexRequestError (both carry `retryable`).
 */
export async function listDistributionFiles(checkUrl: string, project: string, options: SimpleRequestOptions = {}): Promise<RemoteDistribution[]> {
  const format = options.format ?? 'auto';
  const pageUrl = projectPageUrl(checkUrl, project);
  const headers: Record<string, string> = { Accept: ACCEPT[format], 'Cache-Control': 'no-cache' };
  if (options.basicAuth) {
    headers.Authorization = `Basic ${Buffer.from(`${options.basicAuth.username}:${options.basicAuth.password}`).toString('base64')}`;
  }
  const doFetch = options.fetch ?? fetch;
  let res: Response;
  let text: string;
  try {
    res = await doFetch(pageUrl, {
      headers,
      redirect: 'follow',
      signal: AbortSignal.timeout(options.timeoutMs ?? 30000),
    });
    text = await res.text();
  } catch (e) {
    throw new IndexRequestError('GET', pageUrl, e, isRetryable(e));
  }
  if (res.status === 404) return [];
  if (!res.ok) throw new IndexHttpError('GET', pageUrl, res.status, res.statusText, summarizeBody(text));
  const finalUrl = res.url || pageUrl;
  const contentType = (res.headers.get('content-type') ?? '').toLowerCase();
  if (contentType.includes('json')) return parseSimpleJson(text, finalUrl);
  if (format === 'json') {
    throw new IndexResponseError(finalUrl, `asked for ${PEP691_JSON} but got ${contentType || 'no Content-Type'}`);
  }
  if (!contentType.includes('html') && contentType !== '') {
    throw new IndexResponseError(finalUrl, `unexpected Content-Type ${contentType}`);
  }
  return parseSimpleHtml(text, finalUrl);
}
