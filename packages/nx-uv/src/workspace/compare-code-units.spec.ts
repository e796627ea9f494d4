import { compareCodeUnits } from './sort-by-key';

describe('compareCodeUnits', () => {
  it('orders as a plain sort does: by UTF-16 code units, upper case before lower, not by locale', () => {
    const words = ['b', 'é', 'a0', 'B', 'a/b', 'a', 'Z', '\u{1F600}', '\uFF5E'];
    expect([...words].sort(compareCodeUnits)).toEqual([...words].sort());
  });

  it('says 0 for equal strings, so a stable sort keeps their order', () => {
    expect(compareCodeUnits('x', 'x')).toBe(0);
    expect(compareCodeUnits('a', 'b')).toBe(-1);
    expect(compareCodeUnits('b', 'a')).toBe(1);
  });
});
