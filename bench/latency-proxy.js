// A proxy in front of a local pypiserver that behaves like a remote index with realistic latency
// (bench only, plain Node http):
//   - an upload (POST) is held for `uploadLatencyMs` before it is forwarded, so it takes that long and
//     the file lands on the index when the upload completes;
//   - a file uploaded through the proxy is hidden from every listing (HTML anchors of the simple pages
//     and /packages/, entries with that `filename` in JSON answers: PEP 691 pages and /pypi/<p>/json)
//     until `visibilityDelayMs` after its upload completed, as a CDN-fronted index shows it late.
// Everything else is relayed unchanged. `uploads` records each upload's file name and times,
// `requests` every request's method, URL and arrival time.
'use strict';

const http = require('node:http');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The file name of a multipart upload's `content` part (uv sends `name="content"; filename="…"`). */
function uploadedFilename(body) {
  const head = body.toString('latin1', 0, Math.min(body.length, 1 << 20));
  const m = /name="content";\s*filename="([^"]+)"/.exec(head) ?? /filename="([^"]+\.(?:whl|tar\.gz|zip))"/.exec(head);
  return m ? m[1] : undefined;
}

function hideInHtml(html, hidden) {
  return html.replace(/<a\b[^>]*>([^<]*)<\/a>\s*(?:<br\s*\/?>)?\s*/gi, (all, text) => (hidden(text.trim()) ? '' : all));
}

function hideInJson(value, hidden) {
  if (Array.isArray(value))
    return value.filter((v) => !(v && typeof v === 'object' && typeof v.filename === 'string' && hidden(v.filename))).map((v) => hideInJson(v, hidden));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, hideInJson(v, hidden)]));
  return value;
}

/**
 * Starts the proxy on 127.0.0.1 (a free port) in front of `upstream` (`http://127.0.0.1:<port>/`).
 * Returns { url, simpleUrl, uploads, stop }.
 */
function startLatencyProxy(upstream, { uploadLatencyMs, visibilityDelayMs }) {
  const target = new URL(upstream);
  const visibleAt = new Map(); // filename → time (Date.now()) from which listings show it
  const uploads = [];
  const requests = []; // { method, url, at } of every request, for diagnostics
  const hidden = (filename) => {
    const at = visibleAt.get(filename);
    return at !== undefined && Date.now() < at;
  };
  const forward = (req, body) =>
    new Promise((resolve, reject) => {
      const headers = { ...req.headers, host: target.host };
      if (body) headers['content-length'] = String(body.length);
      const up = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      up.on('error', reject);
      up.end(body);
    });
  const server = http.createServer(async (req, res) => {
    requests.push({ method: req.method, url: req.url, at: Date.now() });
    try {
      const chunks = [];
      for await (const c of req) chunks.push(c);
      const body = Buffer.concat(chunks);
      let answer;
      if (req.method === 'POST') {
        const filename = uploadedFilename(body);
        const start = Date.now();
        await sleep(uploadLatencyMs);
        answer = await forward(req, body);
        const done = Date.now();
        if (filename && answer.status >= 200 && answer.status < 300) {
          visibleAt.set(filename, done + visibilityDelayMs);
          uploads.push({ filename, start, done, status: answer.status });
        }
      } else {
        answer = await forward(req, req.method === 'GET' || req.method === 'HEAD' ? undefined : body);
        const type = String(answer.headers['content-type'] ?? '');
        if (req.method === 'GET' && answer.status === 200 && visibleAt.size > 0) {
          if (/json/i.test(type)) {
            answer.body = Buffer.from(JSON.stringify(hideInJson(JSON.parse(answer.body.toString('utf8')), hidden)));
          } else if (/html/i.test(type)) {
            answer.body = Buffer.from(hideInHtml(answer.body.toString('utf8'), hidden));
          }
        }
      }
      const headers = { ...answer.headers };
      delete headers['transfer-encoding'];
      delete headers['content-encoding'];
      headers['content-length'] = String(answer.body.length);
      res.writeHead(answer.status, headers);
      res.end(req.method === 'HEAD' ? undefined : answer.body);
    } catch (error) {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`latency proxy: ${error.message}`);
    }
  });
  server.keepAliveTimeout = 30000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      const url = `http://127.0.0.1:${port}/`;
      resolve({
        url,
        simpleUrl: `${url}simple/`,
        uploads,
        requests,
        stop: () => new Promise((r) => (server.closeAllConnections?.(), server.close(() => r()))),
      });
    });
  });
}

module.exports = { startLatencyProxy, hideInHtml, hideInJson, uploadedFilename };
