import { UvCommandError } from '../uv';
import { IndexHttpError } from './errors';
import type { IndexTarget } from './index-target';
import { condenseHtml, dryRunLines, failureMessage, formatSize } from './publish-report';

describe('report', () => {
  it('formats sizes', () => {
    expect([formatSize(626), formatSize(1126), formatSize(5 * 1024 * 1024)]).toEqual(['626 B', '1.1 KiB', '5.0 MiB']);
  });

  it('dry-run lines say what a real run would do with each file', () => {
    const files = [
      { filename: 'a-1.0-py3-none-any.whl', sha256: 'aa', size: 10 },
      { filename: 'a-1.0.tar.gz', sha256: 'bb', size: 20 },
    ];
    const local = (f: (typeof files)[number]) => ({ path: `/d/${f.filename}`, filename: f.filename, sha256: f.sha256 });
    expect(dryRunLines(files, { upload: [local(files[1])], skip: [local(files[0])], conflicts: [] })).toEqual([
      '  a-1.0-py3-none-any.whl  10 B  sha256 aa  — already on the index (identical), would be skipped',
      '  a-1.0.tar.gz  20 B  sha256 bb  — would be uploaded',
    ]);
    expect(dryRunLines(files, undefined)[0]).toMatch(/would be uploaded unless already there$/);
  });
});

describe('failure messages', () => {
  const index: IndexTarget = { target: 'custom', publishUrl: 'http://idx/', checkUrl: 'http://idx/simple/', sources: { publishUrl: 't', checkUrl: 't' } };

  it('condense an HTML error page to its text', () => {
    const page = [
      'cause: Server returned status code 403 Forbidden. Server says:',
      '    <!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">',
      '    <html><head><title>Error: 403</title><style>body {color: red}</style></head>',
      '    <body><h1>Error: 403 Forbidden</h1><p>Sorry, <tt>&#039;http://idx/&#039;</tt> failed:</p><pre>None</pre></body></html>',
      'after',
    ].join('\n');
    expect(condenseHtml(page)).toBe(
      "cause: Server returned status code 403 Forbidden. Server says:\n    Error: 403 Forbidden Sorry, 'http://idx/' failed: None\nafter",
    );
    expect(condenseHtml('no markup <here>')).toBe('no markup <here>');
  });

  it('say where it failed, and what to check on 401/403', () => {
    expect(failureMessage('a 1.0', index, new Error('boom'))).toBe('a 1.0 was not published to http://idx/: boom');
    const uvRefused = new UvCommandError('Upload failed with status code 401 Unauthorized', 'uv publish …', 2, '', false, 401);
    expect(failureMessage('a 1.0', index, uvRefused, 'UV_PUBLISH_TOKEN')).toMatch(/401 Unauthorized\nThe index refused the credentials from UV_PUBLISH_TOKEN/);
    const indexRefused = new IndexHttpError('GET', 'http://idx/simple/a/', 403, 'Forbidden', 'no');
    expect(failureMessage('a 1.0', index, indexRefused, 'UV_PUBLISH_TOKEN')).toMatch(/The index refused the credentials from UV_PUBLISH_TOKEN/);
    // The status is read from the typed error, never from message text.
    expect(failureMessage('a 1.0', index, new Error('status code 401'), 'UV_PUBLISH_TOKEN')).not.toMatch(/refused the credentials/);
    expect(failureMessage('a 1.0', index, uvRefused)).not.toMatch(/refused the credentials/);
  });
});
