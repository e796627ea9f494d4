/**
 * Test helper: a wrapper around the real uv that records, per invocation, its argv (one line each)
 * and the NAMES of the UV_* variables in its environment, then execs uv. Lets tests prove that a
 * secret never reached the child's command line while the upload itself really happened.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { uvBin } from '../../testing/tools';

export interface RecordingUv {
  path: string;
  invocations(): { argv: string[]; uvEnvNames: string[] }[];
  reset(): void;
}

export function recordingUv(dir: string): RecordingUv {
  const logDir = path.join(dir, 'uv-invocations');
  fs.mkdirSync(logDir, { recursive: true });
  const file = path.join(dir, 'recording-uv');
  fs.writeFileSync(
    file,
    [
      '#!/bin/sh',
      `log="${logDir}/$(date +%s%N)-$$"`,
      'for a in "$@"; do printf "%s\\n" "$a"; done > "$log.argv"',
      'env | sed -n "s/^\\(UV_[A-Z_]*\\)=.*/\\1/p" | sort > "$log.env"',
      `exec "${uvBin}" "$@"`,
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
  return {
    path: file,
    invocations: () =>
      fs
        .readdirSync(logDir)
        .filter((f) => f.endsWith('.argv'))
        .sort()
        .map((f) => {
          const base = path.join(logDir, f.slice(0, -'.argv'.length));
          const lines = (p: string) =>
            fs
              .readFileSync(p, 'utf8')
              .split('\n')
              .filter((l) => l !== '');
          return { argv: lines(`${base}.argv`), uvEnvNames: lines(`${base}.env`) };
        }),
    reset: () => fs.readdirSync(logDir).forEach((f) => fs.rmSync(path.join(logDir, f))),
  };
}
