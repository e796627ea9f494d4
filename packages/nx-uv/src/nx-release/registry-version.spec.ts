/**
 * currentVersionResolver "registry": the highest PEP 440 version a simple index lists, read from a
 * loopback index that speaks PEP 691 JSON for one project and PEP 503 HTML for another.
 */
import { createTree } from '@nx/devkit/testing';
import { logger } from '@nx/devkit';
import { pep691Page, startHttpServer, type TestServer } from '../registry/__fixtures__/http-server';
import { FILES, projectGraph } from './__fixtures__/release-workspace';
import { highestListedVersion, readRegistryVersion, registryLookupOptions } from './registry-version';
import UvVersionActions from './version-actions';

const file = (filename: string, yanked?: boolean) => ({ filename, url: `/files/${filename}`, ...(yanked ? { yanked } : {}) });

describe('highestListedVersion', () => {
  it('takes the highest PEP 440 version of the project’s wheels and sdists', () => {
    const files = [
      file('pkg_a-1.2.0-py3-none-any.whl'),
      file('pkg_a-1.10.0.tar.gz'),
      file('pkg_a-1.9.0-py3-none-any.whl'),
      file('Pkg.A-1.11.0rc1.tar.gz'),
      file('pkg_a_extra-9.0.0-py3-none-any.whl'), // another project
      file('pkg_a-9.9.9.zip'), // not a distribution nx-uv reads
      file('pkg_a-notaversion-py3-none-any.whl'),
    ];
    expect(highestListedVersion(files, 'Pkg_A')).toBe('1.11.0rc1');
    expect(highestListedVersion(files, 'pkg-a', false)).toBe('1.10.0');
    expect(highestListedVersion([], 'pkg-a')).toBeUndefined();
  });

  it('counts yanked files (their version can never be uploaded again)', () => {
    expect(highestListedVersion([file('pkg_a-1.0.0.tar.gz'), file('pkg_a-2.0.0.tar.gz', true)], 'pkg-a')).toBe('2.0.0');
  });
});

describe('registryLookupOptions', () => {
  it('takes each key from the first source that sets it, and names a bad one', () => {
    expect(
      registryLookupOptions(
        { where: 'currentVersionResolverMetadata', value: { checkUrl: 'http://a/simple/' } },
        { where: 'versionActionsOptions', value: { checkUrl: 'http://b/simple/', index: 'testpypi', prereleases: false } },
      ),
    ).toEqual({ checkUrl: 'http://a/simple/', index: 'testpypi', prereleases: false });
    expect(() => registryLookupOptions({ where: 'currentVersionResolverMetadata', value: { index: 'npm' } })).toThrow(
      /currentVersionResolverMetadata.index must be one of pypi, testpypi, custom/,
    );
    expect(() => registryLookupOptions({ where: 'versionActionsOptions', value: { prereleases: 'no' } })).toThrow(/prereleases must be true or false/);
  });
});

describe('reading a simple index', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startHttpServer((req, res) => {
      if (req.url === '/simple/pkg-a/') {
        res.writeHead(200, { 'Content-Type': 'application/vnd.pypi.simple.v1+json' });
        res.end(pep691Page('pkg-a', [file('pkg_a-1.2.0.tar.gz'), file('pkg_a-1.3.0rc2-py3-none-any.whl'), file('pkg_a-1.2.0-py3-none-any.whl')]));
      } else if (req.url === '/simple/pkg-b/') {
        res.writeHead(200, { 'Content-Type': 'text/html' });
        res.end(
          '<html><body><a href="/f/pkg_b-0.9.0.tar.gz">pkg_b-0.9.0.tar.gz</a><a href="/f/pkg_b-1.0.0.post1.tar.gz">pkg_b-1.0.0.post1.tar.gz</a></body></html>',
        );
      } else if (req.url === '/simple/pkg-c/') {
        res.writeHead(503);
        res.end('down');
      } else {
        res.writeHead(404);
        res.end('not found');
      }
    });
  });
  afterAll(() => server.close());

  it('reads PEP 691 JSON and PEP 503 HTML, and null for a project the index does not have', async () => {
    const checkUrl = `${server.url}simple/`;
    await expect(readRegistryVersion('Pkg_A', { checkUrl }, {})).resolves.toEqual({
      currentVersion: '1.3.0rc2',
      logText: `${checkUrl} (option checkUrl)`,
    });
    await expect(readRegistryVersion('pkg-a', { checkUrl, prereleases: false }, {})).resolves.toMatchObject({ currentVersion: '1.2.0' });
    await expect(readRegistryVersion('pkg-b', { checkUrl }, {})).resolves.toMatchObject({ currentVersion: '1.0.0.post1' });
    await expect(readRegistryVersion('tools', { checkUrl }, {})).resolves.toEqual({
      currentVersion: null,
      logText: `${checkUrl} (option checkUrl): no files of tools`,
    });
    expect(server.requests.map((r) => r.path)).toEqual(['/simple/pkg-a/', '/simple/pkg-a/', '/simple/pkg-b/', '/simple/tools/']);
  });

  it('finds the index as the publish executor does (UV_PUBLISH_CHECK_URL), and a custom index by its check URL alone', async () => {
    const checkUrl = `${server.url}simple/`;
    await expect(readRegistryVersion('pkg-a', { index: 'custom' }, { UV_PUBLISH_URL: server.url, UV_PUBLISH_CHECK_URL: checkUrl })).resolves.toMatchObject({
      currentVersion: '1.3.0rc2',
      logText: `${checkUrl} (UV_PUBLISH_CHECK_URL)`,
    });
    await expect(readRegistryVersion('pkg-a', { index: 'custom', checkUrl }, {})).resolves.toMatchObject({ currentVersion: '1.3.0rc2' });
  });

  it('through the class: metadata from currentVersionResolverMetadata, the reason logged when the index fails', async () => {
    const tree = createTree();
    for (const [f, c] of Object.entries(FILES)) tree.write(f, c);
    const graph = projectGraph();
    const config = {
      manifestRootsToUpdate: [],
      versionActionsOptions: { checkUrl: `${server.url}simple/` },
      adjustSemverBumpsForZeroMajorVersion: true,
    } as unknown as ConstructorParameters<typeof UvVersionActions>[2];
    const group = { name: 'g', projects: [] } as unknown as ConstructorParameters<typeof UvVersionActions>[0];
    const a = new UvVersionActions(group, graph.nodes['pkg-a'], config);
    await expect(a.readCurrentVersionFromRegistry(tree, {})).resolves.toMatchObject({ currentVersion: '1.3.0rc2' });
    const c = new UvVersionActions(group, graph.nodes['pkg-c'], config);
    const warnings: string[] = [];
    const spy = jest.spyOn(logger, 'warn').mockImplementation((m) => void warnings.push(String(m)));
    try {
      await expect(c.readCurrentVersionFromRegistry(tree, { checkUrl: `${server.url}simple/` })).rejects.toThrow(/503/);
      expect(warnings.join('\n')).toMatch(/cannot read the current version of pkg-c from the index: .*503/);
    } finally {
      spy.mockRestore();
    }
  });
});
