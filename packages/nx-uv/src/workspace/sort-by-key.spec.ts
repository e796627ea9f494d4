import { sortByKey } from './sort-by-key';

describe('sortByKey', () => {
  it('orders by code units, as `<` does (upper case before lower, "a" before "a/b" before "a0")', () => {
    const items = ['a0', 'b', 'a/b', 'B', 'a', 'é', 'Z'].map((name) => ({ name }));
    expect(sortByKey(items, (i) => i.name).map((i) => i.name)).toEqual(['B', 'Z', 'a', 'a/b', 'a0', 'b', 'é']);
  });

  it('keeps every item and the input order of equal keys', () => {
    const items = [
      { k: 'b', n: 1 },
      { k: 'a', n: 2 },
      { k: 'b', n: 3 },
      { k: 'a', n: 4 },
    ];
    expect(sortByKey(items, (i) => i.k).map((i) => i.n)).toEqual([2, 4, 1, 3]);
  });

  it('does not change its input and handles empty lists', () => {
    const items = ['c', 'a', 'b'];
    expect(sortByKey(items, (s) => s)).toEqual(['a', 'b', 'c']);
    expect(items).toEqual(['c', 'a', 'b']);
    expect(sortByKey([], (s: string) => s)).toEqual([]);
  });

  it('agrees with a comparator sort on many random keys', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const alphabet = 'aAzZ0-_./\u00e9';
    const keys = Array.from({ length: 500 }, () =>
      Array.from({ length: 1 + Math.floor(random() * 6) }, () => alphabet[Math.floor(random() * alphabet.length)]).join(''),
    );
    const expected = [...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    expect(sortByKey(keys, (k) => k)).toEqual(expected);
  });
});
