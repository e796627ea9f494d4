/**
 * A fault-injecting HTTP proxy for tests: listens on 127.0.0.1 in front of one upstream server and, by
 * a seeded deterministic schedule, drops connections or answers 503 for a share of the requests that
 * match a rule. Every request is recorded (method, path, time, outcome, upstream status, and the file
 * name of a multipart upload) so tests can check upload order and count duplicate uploads. Test-only.
 *
 * Fault kinds:
 * - `drop`        the client socket is destroyed before anything is forwarded (upstream never sees it);
 * - `503`         the proxy answers 503 itself, nothing is forwarded;
 * - `drop-after`  the request IS forwarded and processed upstream, then the client socket is destroyed
 *                 instead of relaying the answer (the "upload landed but the client never heard" case).
 *
 * The schedule: one PRNG (mulberry32, seeded) is drawn once per request that matches a rule, in arrival
 * order; the request is faulted when the draw is below the rule's `share`. With a sequential client the
 * same seed gives the same faults on every run. `maxConsecutive` caps faults in a row per rule so a
 * schedule can never starve a client completely.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export type FaultKind = 'drop' | '503' | 'drop-after';

export interface FaultRule {
  /** HTTP method to match (case-insensitive); any when omitted. */
  method?: string;
  /** Path to match: a prefix string or a RegExp tested against the path (with query); any when omitted. */
  path?: string | RegExp;
  /** Share of matching requests to fault, 0..1. */
  share: number;
  fault: FaultKind;
  /** At most this many faults in a row for this rule (default: unlimited). */
  maxConsecutive?: number;
}

export interface RecordedRequest {
  seq: number;
  method: string;
  path: string;
  /** Milliseconds since the proxy started. */
  at: number;
  outcome: 'forwarded' | FaultKind;
  /** Status the upstream answered (forwarded and drop-after only). */
  upstreamStatus?: number;
  /** For multipart uploads: the `filename` of the `content` part. */
  uploadFilename?: string;
  /** For multipart uploads: the names of every form field (e.g. `attestations` when uv sends them). */
  formFields?: string[];
  /** The request's Authorization header was present (its value is never recorded). */
  hadAuthorization: boolean;
}

export interface FaultProxy {
  /** Base URL of the proxy, e.g. `http://127.0.0.1:40123/` (trailing slash). */
  url: string;
  /** Every request seen so far, in arrival order. */
  requests: RecordedRequest[];
  /** Upload requests (those with an upload filename) whose upstream answered 2xx, in order. */
  successfulUploads(): RecordedRequest[];
  /** Replace the rules (the PRNG keeps its state). */
  setRules(rules: FaultRule[]): void;
  stop(): Promise<void>;
}

export interface FaultProxyOptions {
  /** Upstream base URL (scheme, host, port); request paths are forwarded unchanged. */
  upstream: string;
  seed?: number;
  rules?: FaultRule[];
}

/** Deterministic PRNG (mulberry32): returns floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function matches(rule: FaultRule, method: string, path: string): boolean {
  if (rule.method && rule.method.toUpperCase() !== method.toUpperCase()) return false;
  if (rule.path === undefined) return true;
  return typeof rule.path === 'string' ? path.startsWith(rule.path) : rule.path.test(path);
}

/** The names of the parts of a multipart/form-data body (none for another body). */
export function formFieldsOf(body: Buffer, contentType: string | undefined): string[] {
  if (!contentType || !/^multipart\/form-data/i.test(contentType)) return [];
  const text = body.toString('latin1');
  const names: string[] = [];
  const re = /Content-Disposition:\s*form-data;[^\r\n]*?\bname="([^"]*)"/gi;
  for (let m = re.exec(text); m; m = re.exec(text)) names.push(m[1]);
  return names;
}

/** The file name of the `content` part of a multipart/form-data body, if any. */
export function uploadFilenameOf(body: Buffer, contentType: string | undefined): string | undefined {
  if (!contentType || !/^multipart\/form-data/i.test(contentType)) return undefined;
  // Only the part headers matter; they are ASCII, so latin1 keeps offsets byte-exact and cheap.
  const text = body.toString('latin1');
  const re = /Content-Disposition:\s*form-data;([^\r\n]*)/gi;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const params = m[1];
    const name = /\bname="([^"]*)"/i.exec(params)?.[1];
    const filename = /\bfilename="([^"]*)"/i.exec(params)?.[1];
    if (name === 'content' && filename !== undefined) return filename;
  }
  return undefined;
}

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const upstream = new URL(options.upstream);
  const random = seededRandom(options.seed ?? 1);
  let rules = options.rules ?? [];
  let consecutive = new Map<FaultRule, number>();
  const requests: RecordedRequest[] = [];
  const started = Date.now();
  let seq = 0;

  const pickFault = (method: string, path: string): FaultKind | undefined => {
    const rule = rules.find((r) => matches(r, method, path));
    if (!rule) return undefined;
    const draw = random();
    const inRow = consecutive.get(rule) ?? 0;
    if (draw < rule.share && (rule.maxConsecutive === undefined || inRow < rule.maxConsecutive)) {
      consecutive.set(rule, inRow + 1);
      return rule.fault;
    }
    consecutive.set(rule, 0);
    return undefined;
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('error', () => undefined);
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const method = req.method ?? 'GET';
      const path = req.url ?? '/';
      const record: RecordedRequest = {
        seq: ++seq,
        method,
        path,
        at: Date.now() - started,
        outcome: 'forwarded',
        hadAuthorization: req.headers.authorization !== undefined,
      };
      const filename = uploadFilenameOf(body, req.headers['content-type']);
      if (filename !== undefined) {
        record.uploadFilename = filename;
        record.formFields = formFieldsOf(body, req.headers['content-type']);
      }
      requests.push(record);

      const fault = pickFault(method, path);
      if (fault === 'drop') {
        record.outcome = 'drop';
        req.socket.destroy();
        return;
      }
      if (fault === '503') {
        record.outcome = '503';
        res.writeHead(503, { 'Content-Type': 'text/plain', Connection: 'close' });
        res.end('503 Service Unavailable (injected by fault proxy)\n');
        return;
      }
      if (fault === 'drop-after') record.outcome = 'drop-after';

      const headers = { ...req.headers, host: upstream.host, 'content-length': String(body.length) };
      delete headers['transfer-encoding'];
      const up = http.request(
        {
          protocol: upstream.protocol,
          hostname: upstream.hostname,
          port: upstream.port,
          method,
          path,
          headers,
        },
        (upRes) => {
          record.upstreamStatus = upRes.statusCode;
          if (fault === 'drop-after') {
            upRes.resume();
            upRes.on('end', () => req.socket.destroy());
            return;
          }
          res.writeHead(upRes.statusCode ?? 502, upRes.headers);
          upRes.pipe(res);
        },
      );
      up.on('error', (err) => {
        if (!res.headersSent) {
          res.writeHead(502, { 'Content-Type': 'text/plain' });
          res.end(`fault proxy: upstream error ${err.message}\n`);
        } else {
          req.socket.destroy();
        }
      });
      up.end(body);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    successfulUploads: () =>
      requests.filter((r) => r.uploadFilename !== undefined && r.upstreamStatus !== undefined && r.upstreamStatus >= 200 && r.upstreamStatus < 300),
    setRules(next) {
      rules = next;
      consecutive = new Map();
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
