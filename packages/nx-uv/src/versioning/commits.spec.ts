import { analyzeCommits, classifyCommit, CommitInput } from './commits';

function commit(hash: string, message: string, parents = 1): CommitInput {
  const [subject, ...rest] = message.split('\n');
  return { hash, subject, body: rest.join('\n').replace(/^\n/, ''), parents };
}

describe('classifyCommit', () => {
  it.each([
    ['feat: add x', 'feat', null, 'add x', false, 'feature'],
    ['feat(api): add x', 'feat', 'api', 'add x', false, 'feature'],
    ['Feat(API): add x', 'feat', 'API', 'add x', false, 'feature'],
    ['fix: y', 'fix', null, 'y', false, 'fix'],
    ['perf(core): faster', 'perf', 'core', 'faster', false, 'fix'],
    ['docs: readme', 'docs', null, 'readme', false, 'none'],
    ['chore(deps): bump', 'chore', 'deps', 'bump', false, 'none'],
    ['refactor!: drop py3.8', 'refactor', null, 'drop py3.8', true, 'breaking'],
    ['feat(api)!: remove old', 'feat', 'api', 'remove old', true, 'breaking'],
    ['chore!: require uv 0.13', 'chore', null, 'require uv 0.13', true, 'breaking'],
    ['feat(scope/with-slash): z', 'feat', 'scope/with-slash', 'z', false, 'feature'],
    ['feat: add x (#12)', 'feat', null, 'add x (#12)', false, 'feature'],
  ])('%j', (message, type, scope, description, breaking, impact) => {
    const c = classifyCommit(commit('a'.repeat(40), message));
    expect(c).toMatchObject({ type, scope, description, breaking, impact, conventional: true, merge: false });
  });

  it.each(['Update stuff', 'feat add x', 'feat:add x', 'WIP', ''])('%j is not conventional and bumps nothing', (message) => {
    const c = classifyCommit(commit('b'.repeat(40), message));
    expect(c).toMatchObject({ conventional: false, type: null, impact: 'none', breaking: false });
  });

  it('reads BREAKING CHANGE footers in the body, not only the subject', () => {
    const c = classifyCommit(commit('c1', 'feat: new config\n\nLonger text.\n\nBREAKING CHANGE: the old key is gone'));
    expect(c).toMatchObject({ breaking: true, impact: 'breaking', breakingNotes: ['the old key is gone'] });
  });

  it('reads BREAKING-CHANGE footers and multi-line notes', () => {
    const c = classifyCommit(commit('c2', 'fix: x\n\nBREAKING-CHANGE: first line\nsecond line'));
    expect(c.impact).toBe('breaking');
    expect(c.breakingNotes).toEqual(['first line\nsecond line']);
  });

  it('finds the footer after a markdown rule in the body', () => {
    const c = classifyCommit(commit('c3', 'fix: x\n\nintro\n\n---\n\nBREAKING CHANGE: gone'));
    expect(c.breaking).toBe(true);
  });

  it('does not take prose for a footer', () => {
    expect(classifyCommit(commit('c4', 'fix: x\n\nbreaking change: lower case is prose')).breaking).toBe(false);
    expect(classifyCommit(commit('c5', 'fix: x\n\nBreaking changes are avoided here')).breaking).toBe(false);
  });

  it('uses the ! header description as the note when there is no footer', () => {
    expect(classifyCommit(commit('c6', 'feat!: drop python 3.8')).breakingNotes).toEqual(['drop python 3.8']);
  });

  it('counts a BREAKING CHANGE footer on a non-conventional header as breaking', () => {
    const c = classifyCommit(commit('c7', 'Rework the API\n\nBREAKING CHANGE: everything moved'));
    expect(c).toMatchObject({ conventional: false, breaking: true, impact: 'breaking' });
  });

  it('marks merge commits', () => {
    expect(classifyCommit(commit('m1', "Merge branch 'x'", 2)).merge).toBe(true);
  });

  it('recognises both revert forms', () => {
    expect(classifyCommit(commit('r1', 'revert: feat: add x\n\nThis reverts commit 1234567abc.')).revert).toEqual({
      hash: '1234567abc',
      header: 'feat: add x',
    });
    expect(classifyCommit(commit('r2', 'Revert "feat: add x"\n\nThis reverts commit ABCDEF1234.')).revert).toEqual({
      hash: 'abcdef1234',
      header: 'feat: add x',
    });
    expect(classifyCommit(commit('r3', 'Revert "feat: add x" (#14)')).revert).toEqual({ header: 'feat: add x' });
  });
});

describe('analyzeCommits', () => {
  const feat = commit('1111111aaaa', 'feat: add x');
  const fix = commit('2222222bbbb', 'fix: y');

  it('drops a commit and its revert when both are in the range (by hash)', () => {
    const revert = commit('3333333cccc', 'Revert "feat: add x"\n\nThis reverts commit 1111111aaaa.');
    const a = analyzeCommits([revert, fix, feat]);
    expect(a.commits.map((c) => c.hash)).toEqual(['2222222bbbb']);
    expect(a.reverted).toHaveLength(1);
    expect(a.notes.join('\n')).toMatch(/1111111 "feat: add x" is reverted by 3333333/);
  });

  it('matches a revert by header when it names no hash', () => {
    const revert = commit('4444444dddd', 'revert: feat: add x');
    expect(analyzeCommits([revert, feat]).commits).toEqual([]);
  });

  it('matches short hashes', () => {
    const revert = commit('5555555eeee', 'revert: add x\n\nThis reverts commit 1111111.');
    expect(analyzeCommits([feat, revert]).commits).toEqual([]);
  });

  it('keeps a revert of a commit outside the range, as a fix', () => {
    const revert = commit('6666666ffff', 'Revert "feat: old thing"\n\nThis reverts commit 9999999999.');
    const a = analyzeCommits([revert]);
    expect(a.commits).toHaveLength(1);
    expect(a.commits[0]).toMatchObject({ type: 'revert', impact: 'fix' });
  });

  it('a revert of a revert restores the original, in any order', () => {
    const r1 = commit('7777777aaaa', 'Revert "feat: add x"\n\nThis reverts commit 1111111aaaa.');
    const r2 = commit('8888888bbbb', 'Revert "Revert "feat: add x""\n\nThis reverts commit 7777777aaaa.');
    for (const order of [
      [r2, r1, feat],
      [feat, r1, r2],
    ]) {
      const a = analyzeCommits(order);
      expect(a.commits.map((c) => c.hash)).toEqual(['1111111aaaa']);
    }
  });

  it('ignores merge commits and lists non-conventional ones apart (the plan summarises them)', () => {
    const merge = commit('9999999cccc', 'Merge pull request #3 from o/feat\n\nfeat: add z', 2);
    const odd = commit('aaaaaaa1111', 'Update stuff');
    const a = analyzeCommits([merge, odd, feat]);
    expect(a.merges.map((c) => c.hash)).toEqual(['9999999cccc']);
    expect(a.commits.map((c) => c.hash)).toEqual(['aaaaaaa1111', '1111111aaaa']);
    expect(a.notes).toEqual([]);
    expect(a.unconventional.map((c) => c.subject)).toEqual(['Update stuff']);
  });
});
