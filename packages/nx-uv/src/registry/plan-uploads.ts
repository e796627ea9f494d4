/**
 * Pure: compare local distributions with what the index lists.
 * - same file name, same sha256 → skip (already published; a resumed or repeated run is a no-op);
 * - same file name, different sha256 (or no sha256 to compare) → conflict: an index never replaces a file;
 * - otherwise → upload.
 * File names are compared exactly (indexes store them as uploaded).
 */
import { UploadConflictError } from './errors';
import type { RemoteDistribution } from './simple-api';

export interface LocalDistribution {
  path: string;
  filename: string;
  sha256: string;
}

export interface UploadConflict {
  filename: string;
  path: string;
  localSha256: string;
  /** Absent when the index lists the file without a sha256. */
  remoteSha256?: string;
}

export interface UploadPlan {
  upload: LocalDistribution[];
  skip: LocalDistribution[];
  conflicts: UploadConflict[];
}

export function planUploads(localFiles: LocalDistribution[], remote: RemoteDistribution[]): UploadPlan {
  const seen = new Map<string, string>();
  for (const f of localFiles) {
    const other = seen.get(f.filename);
    if (other !== undefined) {
      throw new Error(`Two local files have the same name ${f.filename}: ${other} and ${f.path}; publish one of them`);
    }
    seen.set(f.filename, f.path);
  }
  const remoteByName = new Map(remote.map((r) => [r.filename, r]));
  const plan: UploadPlan = { upload: [], skip: [], conflicts: [] };
  for (const f of localFiles) {
    const r = remoteByName.get(f.filename);
    if (!r) plan.upload.push(f);
    else if (r.sha256 && r.sha256.toLowerCase() === f.sha256.toLowerCase()) plan.skip.push(f);
    else {
      const c: UploadConflict = { filename: f.filename, path: f.path, localSha256: f.sha256 };
      if (r.sha256) c.remoteSha256 = r.sha256;
      plan.conflicts.push(c);
    }
  }
  return plan;
}

/** Throws UploadConflictError (naming every file and the index) when the plan has conflicts. */
export function assertNoConflicts(plan: UploadPlan, indexUrl: string): void {
  if (plan.conflicts.length > 0) throw new UploadConflictError(plan.conflicts, indexUrl);
}
