import { normalisedQuery } from './http-cache.service';

describe('normalisedQuery', () => {
  it('sorts parameters by name, keeping the order of repeated ones', () => {
    expect(normalisedQuery('/p?b=2&a=1')).toBe(normalisedQuery('/p?a=1&b=2'));
    expect(normalisedQuery('/p?a=2&b=0&a=1')).toBe('a=2&a=1&b=0');
  });

  it('is empty without a query and keeps encoded values apart', () => {
    expect(normalisedQuery('/p')).toBe('');
    expect(normalisedQuery('/p?search=a%26b')).not.toBe(normalisedQuery('/p?search=a&b'));
  });
});
