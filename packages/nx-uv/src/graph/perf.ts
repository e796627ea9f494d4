/**
 * Performance measures of the inference phases (`nx-uv:…`), shown by Nx with NX_PERF_LOGGING=true.
 */
import { performance } from 'node:perf_hooks';

export function timed<T>(name: string, fn: () => T): T {
  const start = performance.now();
  try {
    return fn();
  } finally {
    try {
      performance.measure(name, { start, end: performance.now() });
    } catch {
      // measuring must never break inference
    }
  }
}
