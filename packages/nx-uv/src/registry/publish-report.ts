/**
 * Pure: the lines the publish executor prints (plans, summaries) and the wording of its failures.
 */
import { UvCommandError } from '../uv';
import { decodeHtmlEntities, IndexHttpError, ServeTimeoutError, UploadConflictError } from './errors';
import type { IndexTarget } from './index-target';
import type { UploadPlan } from './plan-uploads';
import { RetriesExhaustedError } from './retry';

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

export function describeIndex(index: IndexTarget): string {
  return `${index.publishUrl} (from ${index.sources.publishUrl}; checked at ${index.checkUrl})`;
}

export interface PlannedFile {
  filename: string;
  sha256: string;
  size: number;
}

/**
 * Dry-run lines: each file with what a real run would do with it. `plan` undefined means the index
 * could not be read, so only the local files are listed.
 */
export function dryRunLines(files: PlannedFile[], plan: UploadPlan | undefined): string[] {
  const skip = new Set(plan?.skip.map((f) => f.filename));
  return files.map((f) => {
    const what = !plan
      ? 'would be uploaded unless already there'
      : skip.has(f.filename)
        ? 'already on the index (identical), would be skipped'
        : 'would be uploaded';
    return `  ${f.filename}  ${formatSize(f.size)}  sha256 ${f.sha256}  — ${what}`;
  });
}

/**
 * Shortens an HTML error page that an index answered (uv prints it verbatim after "Server says:") to
 * its text, one line: the message stays, the markup and styles go.
 */
export function condenseHtml(message: string, max = 400): string {
  return message.replace(/(?:<!DOCTYPE[^>]*>\s*)?<html[\s\S]*?(?:<\/html\s*>|$)/gi, (page) => {
    let text = page
      .replace(/<head[\s\S]*?<\/head\s*>/gi, ' ')
      .replace(/<(script|style)[\s\S]*?<\/\1\s*>/gi, ' ')
      .replace(/<!DOCTYPE[^>]*>/gi, ' ')
      .replace(/<[^>]*>/g, ' ');
    text = decodeHtmlEntities(text).replace(/\s+/g, ' ').trim();
    return text.length > max ? `${text.slice(0, max)}…` : text;
  });
}

/** Whether the index answered 401 or 403: uv's failure (`UvCommandError.status`) or our own request's. */
function refusedCredentials(error: unknown): boolean {
  const status = error instanceof UvCommandError || error instanceof IndexHttpError ? error.status : undefined;
  return status === 401 || status === 403;
}

/** The message for a failed publish of `label` to `index`. */
export function failureMessage(label: string, index: IndexTarget, error: unknown, credentialsSource?: string): string {
  const message = condenseHtml(error instanceof Error ? error.message : String(error));
  const where = `${label} was not published to ${index.publishUrl}`;
  if (credentialsSource && refusedCredentials(error)) {
    return `${where}: ${message}\nThe index refused the credentials from ${credentialsSource}: check that they are valid for this index and may upload this project.`;
  }
  if (error instanceof UploadConflictError) return `${where}: ${message}`;
  if (error instanceof ServeTimeoutError) return `${where} (not confirmed): ${message}`;
  if (error instanceof RetriesExhaustedError) {
    return `${where}: ${message}\nThe index kept failing; re-run publish later (files already served are skipped) or raise maxRetries.`;
  }
  return `${where}: ${message}`;
}
