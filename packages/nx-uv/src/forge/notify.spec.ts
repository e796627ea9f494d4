import { tagScheme } from '../release/tag-scheme';
import { applyNotify, dryRunNotifyLines, packagesReleasedAt, planNotify, type NotifyClient, type NotifyPlanInput } from './notify';

const HEAD = '0123456789abcdef0123456789abcdef01234567';
const OLD = 'fedcba9876543210fedcba9876543210fedcba98';
const tags = [
  { name: 'pkg-b-v0.3.0rc1', commit: HEAD },
  { name: 'pkg-a-v1.1.0', commit: OLD },
  { name: 'pkg-a-v1.2.0', commit: HEAD },
  { name: 'nightly', commit: HEAD },
  { name: 'Zeta-v1.0.0', commit: HEAD },
];
const input = (over: Partial<NotifyPlanInput> = {}): NotifyPlanInput => ({
  commit: HEAD,
  tags,
  scheme: tagScheme(undefined),
  repositories: ['octo/docs', ' octo/docs ', '', 'other/consumer'],
  ...over,
});

describe('packagesReleasedAt', () => {
  it('keeps the release tags at the commit, sorted by code units (upper case first), not by locale', () => {
    expect(packagesReleasedAt(tags, HEAD, tagScheme(undefined))).toEqual([
      { name: 'Zeta', version: '1.0.0', tag: 'Zeta-v1.0.0' },
      { name: 'pkg-a', version: '1.2.0', tag: 'pkg-a-v1.2.0' },
      { name: 'pkg-b', version: '0.3.0rc1', tag: 'pkg-b-v0.3.0rc1' },
    ]);
  });
});

describe('planNotify', () => {
  it('one repository_dispatch per repository (trimmed, no repeats), the default event type', () => {
    expect(planNotify(input())).toEqual({
      action: 'send',
      commit: HEAD,
      eventType: 'nx-uv-release',
      repositories: ['octo/docs', 'other/consumer'],
      packages: [
        { name: 'Zeta', version: '1.0.0', tag: 'Zeta-v1.0.0' },
        { name: 'pkg-a', version: '1.2.0', tag: 'pkg-a-v1.2.0' },
        { name: 'pkg-b', version: '0.3.0rc1', tag: 'pkg-b-v0.3.0rc1' },
      ],
    });
    expect(planNotify(input({ eventType: 'python-released' }))).toMatchObject({ eventType: 'python-released' });
  });

  it('only the members of a group (compared PEP 503-normalised)', () => {
    expect(planNotify(input({ members: new Set(['zeta', 'pkg-b']) }))).toMatchObject({ packages: [{ name: 'Zeta' }, { name: 'pkg-b' }] });
  });

  it('nothing to send: no release at HEAD, or no repositories', () => {
    expect(planNotify(input({ commit: '1111111111112222222222222222222222222222' }))).toEqual({
      action: 'nothing',
      message: 'nx-uv notify: no package release tags point at HEAD (111111111111); nothing to notify.',
    });
    expect(planNotify(input({ repositories: [] }))).toEqual({
      action: 'nothing',
      message: 'nx-uv notify: 3 package(s) released at HEAD but no repositories configured (option "repositories"); nothing sent.',
    });
  });
});

describe('dryRunNotifyLines and applyNotify', () => {
  const plan = planNotify(input({ tags: [{ name: 'pkg-a-v1.2.0', commit: HEAD }] }));
  if (plan.action !== 'send') throw new Error('expected a plan to send');
  const payload = { source: 'octo/repo', commit: HEAD, packages: [{ name: 'pkg-a', version: '1.2.0', tag: 'pkg-a-v1.2.0' }] };

  it('a dry run prints the calls and the payload', () => {
    expect(dryRunNotifyLines(plan, 'octo/repo')).toEqual([
      'nx-uv notify (dry run): would send repository_dispatch "nx-uv-release" to octo/docs, other/consumer with client_payload:',
      JSON.stringify(payload, null, 2),
    ]);
  });

  it('sends each event in turn, with the client repository as source, and says so', async () => {
    const sent: unknown[] = [];
    const lines: string[] = [];
    const client: NotifyClient = {
      repository: 'octo/repo',
      sendRepositoryDispatch: async (repository, eventType, clientPayload) => void sent.push({ repository, eventType, clientPayload }),
    };
    await applyNotify(plan, client, (l) => lines.push(l));
    expect(sent).toEqual([
      { repository: 'octo/docs', eventType: 'nx-uv-release', clientPayload: payload },
      { repository: 'other/consumer', eventType: 'nx-uv-release', clientPayload: payload },
    ]);
    expect(lines).toEqual([
      'nx-uv notify: sent repository_dispatch "nx-uv-release" to octo/docs (pkg-a-v1.2.0)',
      'nx-uv notify: sent repository_dispatch "nx-uv-release" to other/consumer (pkg-a-v1.2.0)',
    ]);
  });

  it('stops at the first failure', async () => {
    const client: NotifyClient = {
      repository: 'octo/repo',
      sendRepositoryDispatch: async () => {
        throw new Error('403');
      },
    };
    const lines: string[] = [];
    await expect(applyNotify(plan, client, (l) => lines.push(l))).rejects.toThrow('403');
    expect(lines).toEqual([]);
  });
});
