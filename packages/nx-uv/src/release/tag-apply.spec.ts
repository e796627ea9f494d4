/**
 * applyTag with its effects given as values (recorded git commands, a stand-in forge): the order of
 * the steps and what is undone, without a process.
 */
import { memoryReader, modelUvWorkspace } from '../workspace';
import { applyTag, tagAndPushAll, type TagEffects, type TagForge } from './tag-apply';
import { planTag, type TagRelease } from './tag-plan';
import { tagScheme } from './tag-scheme';

const HEAD = 'a'.repeat(40);
const ws = modelUvWorkspace(
  '/nx/py',
  memoryReader({
    'pyproject.toml': '[tool.uv.workspace]\nmembers = ["packages/*"]\n',
    'packages/a/pyproject.toml': '[project]\nname = "pkg-a"\nversion = "1.2.0"\n\n[build-system]\nrequires = ["uv_build"]\nbuild-backend = "uv_build"\n',
    'packages/c/pyproject.toml': '[project]\nname = "pkg-c"\nversion = "2.0.0"\n\n[build-system]\nrequires = ["uv_build"]\nbuild-backend = "uv_build"\n',
  }),
);

function plan(index = 0): TagRelease {
  const p = planTag({
    workspace: ws,
    member: ws.members[index],
    workspaceRoot: '/nx',
    inScope: { scheme: tagScheme(undefined), head: HEAD, tags: [], changelogs: new Map() },
  });
  if (p.kind !== 'tag') throw new Error('expected a tag');
  return p;
}

function effects(overrides: { onRemote?: string | ((tag: string) => string | undefined); pushFails?: boolean } = {}): {
  effects: TagEffects;
  calls: string[];
  lines: string[];
} {
  const calls: string[] = [];
  const lines: string[] = [];
  const effects: TagEffects = {
    log: { info: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(m) },
    auth: { env: {} },
    git: {
      remoteTagCommit: async (_cwd, remote, tag) => (
        calls.push(`ls-remote ${remote} ${tag}`),
        typeof overrides.onRemote === 'function' ? overrides.onRemote(tag) : overrides.onRemote
      ),
      createAnnotatedTag: async (_cwd, name, _message, commit) => calls.push(`tag ${name} ${commit.slice(0, 4)}`),
      deleteLocalTag: async (_cwd, name) => void calls.push(`tag --delete ${name}`),
      pushTags: async (_cwd, remote, tags) => {
        calls.push(`push ${remote} ${tags.join(' ')}`);
        if (overrides.pushFails) throw new Error('push rejected');
      },
      currentBranch: async () => 'main',
    },
    forge: {
      createRelease: async (input: Parameters<TagForge['createRelease']>[0]) => (
        calls.push(`release ${input.tag} "${input.name}"`),
        { action: 'created', url: 'https://example.test/r/1', id: 1 }
      ),
      findMergedReleasePullRequest: async ({ base, label }: Parameters<TagForge['findMergedReleasePullRequest']>[0]) => (
        calls.push(`find PR into ${base} labelled ${label}`),
        { number: 7 }
      ),
      relabel: async (n: number, from: string, to: string) => void calls.push(`relabel #${n} ${from} -> ${to}`),
      getDefaultBranch: async () => 'main',
    } as unknown as TagForge,
  };
  return { effects, calls, lines };
}

describe('applyTag (effects given)', () => {
  it('checks the remote, creates and pushes the tag, then the Release and the label', async () => {
    const run = effects();
    await applyTag(plan(), run.effects);
    expect(run.calls).toEqual([
      'ls-remote origin pkg-a-v1.2.0',
      'tag pkg-a-v1.2.0 aaaa',
      'push origin pkg-a-v1.2.0',
      'release pkg-a-v1.2.0 "pkg-a 1.2.0"',
      'find PR into main labelled autorelease: pending',
      'relabel #7 autorelease: pending -> autorelease: tagged',
    ]);
    expect(run.lines).toContain('nx-uv tag: created GitHub Release pkg-a 1.2.0 https://example.test/r/1');
  });

  it('a failed push leaves no local tag and no Release; a tag on another commit at the remote stops it before anything is created', async () => {
    const failed = effects({ pushFails: true });
    await expect(applyTag(plan(), failed.effects)).rejects.toThrow('push rejected');
    expect(failed.calls).toEqual(['ls-remote origin pkg-a-v1.2.0', 'tag pkg-a-v1.2.0 aaaa', 'push origin pkg-a-v1.2.0', 'tag --delete pkg-a-v1.2.0']);

    const taken = effects({ onRemote: 'c'.repeat(40) });
    await expect(applyTag(plan(), taken.effects)).rejects.toThrow(
      `origin already has tag pkg-a-v1.2.0 on commit cccccccccccc, not on HEAD ${HEAD.slice(0, 12)}`,
    );
    expect(taken.calls).toEqual(['ls-remote origin pkg-a-v1.2.0']);
  });

  it('several plans of one remote: each checked alone, one push for all; a failed push fails them all and leaves no tag', async () => {
    const log = { info: () => undefined, warn: () => undefined, error: () => undefined };
    const run = effects({ onRemote: (tag) => (tag === 'pkg-c-v2.0.0' ? 'c'.repeat(40) : undefined) });
    const pushes = await tagAndPushAll(
      [
        { plan: plan(0), log },
        { plan: plan(1), log },
      ],
      async () => run.effects,
    );
    expect(pushes.map((p) => [p.plan.spec.tag, p.effects !== undefined, String(p.error ?? '')])).toEqual([
      ['pkg-a-v1.2.0', true, ''],
      ['pkg-c-v2.0.0', false, expect.stringContaining('origin already has tag pkg-c-v2.0.0 on commit cccccccccccc')],
    ]);
    expect(run.calls).toEqual(['ls-remote origin pkg-a-v1.2.0', 'tag pkg-a-v1.2.0 aaaa', 'ls-remote origin pkg-c-v2.0.0', 'push origin pkg-a-v1.2.0']);

    const failed = effects({ pushFails: true });
    const none = await tagAndPushAll(
      [
        { plan: plan(0), log },
        { plan: plan(1), log },
      ],
      async () => failed.effects,
    );
    expect(none.map((p) => String(p.error))).toEqual(['Error: push rejected', 'Error: push rejected']);
    expect(failed.calls.slice(-3)).toEqual(['push origin pkg-a-v1.2.0 pkg-c-v2.0.0', 'tag --delete pkg-a-v1.2.0', 'tag --delete pkg-c-v2.0.0']);

    const noToken = await tagAndPushAll([{ plan: plan(0), log }], async () => {
      throw new Error('GITHUB_TOKEN is not set');
    });
    expect(String(noToken[0].error)).toBe('Error: GITHUB_TOKEN is not set');
  });
});
