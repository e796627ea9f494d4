/** Test helper: a loopback HTTP server with a handler, recording requests. */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TestServer {
  url: string;
  requests: { method: string; path: string; accept?: string; authorization?: string }[];
  close(): Promise<void>;
}

export async function startHttpServer(handler: (req: http.IncomingMessage, res: http.ServerResponse) => void): Promise<TestServer> {
  const requests: TestServer['requests'] = [];
  const server = http.createServer((req, res) => {
    requests.push({
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      accept: req.headers.accept,
      authorization: req.headers.authorization,
    });
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A PEP 691 JSON project page. */
export function pep691Page(name: string, files: { filename: string; url: string; sha256?: string; yanked?: boolean | string }[]): string {
  return JSON.stringify({
    meta: { 'api-version': '1.1' },
    name,
    files: files.map((f) => ({
      filename: f.filename,
      url: f.url,
      hashes: f.sha256 ? { sha256: f.sha256 } : {},
      ...(f.yanked !== undefined ? { yanked: f.yanked } : {}),
    })),
  });
}
