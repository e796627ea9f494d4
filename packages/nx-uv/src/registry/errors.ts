/** Errors raised while talking to a package index. Each says which index (URL) and what to do. */

/** The index answered with an HTTP error status. 5xx (and 408/429) are retryable, other 4xx are not. */
export class IndexHttpError extends Error {
  override readonly name = 'IndexHttpError';
  readonly retryable: boolean;
  constructor(
    readonly method: string,
    readonly url: string,
    readonly status: number,
    readonly statusText: string,
    /** The index's own message (HTML stripped, shortened). */
    readonly indexMessage: string,
  ) {
    super(
      `${method} ${url} answered ${status}${statusText ? ` ${statusText}` : ''}` +
        (indexMessage ? `: ${indexMessage}` : ''),
    );
    this.retryable = isRetryableStatus(status);
  }
}

/**
 * The request never got an answer (connection refused/reset, DNS, time-out, TLS). `retryable` is
 * decided by the caller from the cause (see isRetryable); TLS/certificate failures are not.
 */
export class IndexRequestError extends Error {
  override readonly name = 'IndexRequestError';
  constructor(readonly method: string, readonly url: string, cause: unknown, readonly retryable: boolean) {
    super(`${method} ${url} failed: ${describeCause(cause)}`, { cause });
  }
}

/** The index answered something that is not a simple index page. Not retryable. */
export class IndexResponseError extends Error {
  override readonly name = 'IndexResponseError';
  readonly retryable = false;
  constructor(readonly url: string, detail: string) {
    super(`${url} did not answer a valid simple index page: ${detail}`);
  }
}

/** A local file has the same name as a file on the index but different content. Never retryable. */
export class UploadConflictError extends Error {
  override readonly name = 'UploadConflictError';
  readonly retryable = false;
  constructor(readonly conflicts: { filename: string; localSha256: string; remoteSha256?: string; path: string }[], readonly indexUrl: string) {
    super(
      `${conflicts.length === 1 ? 'A file' : `${conflicts.length} files`} already on ${indexUrl} ${conflicts.length === 1 ? 'differs' : 'differ'} from the local build:\n` +
        conflicts
          .map((c) =>
            c.remoteSha256
              ? `  ${c.filename}: index has sha256 ${c.remoteSha256}, local ${c.path} has ${c.localSha256}`
              : `  ${c.filename}: index lists it without a sha256, so ${c.path} (sha256 ${c.localSha256}) cannot be verified`,
          )
          .join('\n') +
        `\nAn index never accepts a changed file under an existing name: bump the version and release again` +
        ` (or rebuild reproducibly from the released commit).`,
    );
  }
}

/** waitUntilServed gave up. */
export class ServeTimeoutError extends Error {
  override readonly name = 'ServeTimeoutError';
  readonly retryable = false;
  constructor(message: string, readonly missing: string[]) {
    super(message);
  }
}

export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}

export function describeCause(cause: unknown): string {
  // Duck-typed: errors from Node's fetch come from another realm under jest, so instanceof fails.
  const msgOf = (e: unknown) => (e && typeof e === 'object' && typeof (e as Error).message === 'string' ? (e as Error).message : undefined);
  const message = msgOf(cause);
  if (message === undefined) return String(cause);
  const inner = (cause as { cause?: unknown }).cause;
  const innerMsg = msgOf(inner);
  const code = (cause as { code?: unknown }).code ?? (inner as { code?: unknown } | undefined)?.code;
  let text = innerMsg && innerMsg !== message ? `${message} (${innerMsg})` : message;
  if (typeof code === 'string' && !text.includes(code)) text += ` [${code}]`;
  return text;
}

/** Turns an HTML/text error body into a short one-line message. */
export function summarizeBody(body: string, max = 300): string {
  let text = body;
  const pre = /<pre>([\s\S]*?)<\/pre>/i.exec(text);
  if (pre) text = pre[1];
  else {
    const bodyPart = /<body[^>]*>([\s\S]*?)<\/body>/i.exec(text);
    if (bodyPart) text = bodyPart[1];
  }
  text = decodeHtmlEntities(text.replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ').trim();
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

export function decodeHtmlEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|amp|lt|gt|quot|apos);/gi, (_m, ent: string) => {
    const e = ent.toLowerCase();
    if (e === 'amp') return '&';
    if (e === 'lt') return '<';
    if (e === 'gt') return '>';
    if (e === 'quot') return '"';
    if (e === 'apos') return "'";
    const code = e.startsWith('#x') ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return Number.isFinite(code) ? String.fromCodePoint(code) : _m;
  });
}
