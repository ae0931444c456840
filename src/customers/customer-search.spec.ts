import { gramsOf, SEARCH_TEXT_LENGTH, searchFold, searchTextOf } from './customer-search';

describe('customer search index', () => {
  it('folds case and accents, and turns control characters into spaces', () => {
    expect(searchFold('Zoë  MÜLLER')).toBe('zoe  muller');
    expect(searchFold('a\nb\tc')).toBe('a b c');
  });

  it('keeps the three fields one per line, so no run or match spans two', () => {
    const text = searchTextOf({ name: 'Al', email: 'al@x.io', phone: '+4930' });
    expect(text).toBe('al\nal@x.io\n+4930');
    const grams = gramsOf(text);
    expect(grams).toEqual(expect.arrayContaining(['al@', 'x.i', '+49', '930']));
    // "Al" is shorter than a run; nothing crosses a line.
    expect(grams.some((g) => g.includes('\n'))).toBe(false);
    expect(new Set(grams).size).toBe(grams.length);
  });

  it('counts code points, not UTF-16 units', () => {
    expect(gramsOf('a😀bc')).toEqual(['a😀b', '😀bc']);
  });

  it('never outgrows its column', () => {
    const long = 'ᄀ'.repeat(120);
    expect([...searchTextOf({ name: long, email: long, phone: long })].length).toBeLessThanOrEqual(
      SEARCH_TEXT_LENGTH,
    );
  });
});
