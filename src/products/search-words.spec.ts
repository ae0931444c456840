import { foldText } from '../common/fold-text';
import { searchDocument, searchTokens, searchWords } from './search-words';

describe('search words', () => {
  it('folds accents and case alike (diacritics removed, simple case folding)', () => {
    expect(foldText('Crème BRÛLÉE')).toBe('creme brulee');
    expect(foldText('ΟΔΟΣ')).toBe(foldText('οδος'));
    expect(foldText('ſtraße')).toBe('straße');
    expect(foldText('İstanbul')).toBe('istanbul');
  });

  it('splits on anything but letters and digits', () => {
    expect(searchWords('BEAN-1KG  "desk"*lamp (NEAR) tea_cup')).toEqual([
      'bean',
      '1kg',
      'desk',
      'lamp',
      'near',
      'tea',
      'cup',
    ]);
    expect(searchWords('*-+"()~@%_^:')).toEqual([]);
    expect(searchWords(null)).toEqual([]);
  });

  it('writes tokens in [0-9a-z] whose prefixes are exactly the words’ prefixes', () => {
    const [word] = searchDocument({ name: 'Zürich' });
    expect(word).toMatch(/^[0-9a-z]+$/);
    expect(word.startsWith(searchTokens('zur').any[0])).toBe(true);
    expect(word.startsWith(searchTokens('zu').any[0])).toBe(true);
    expect(word.startsWith(searchTokens('zür').any[0])).toBe(true);
    expect(word.startsWith(searchTokens('ur').any[0])).toBe(false);
    const [greek] = searchDocument({ name: 'λάμπα' });
    expect(greek.startsWith(searchTokens('ΛΑΜ').any[0])).toBe(true);
    expect(greek.startsWith(searchTokens('λαβ').any[0])).toBe(false);
  });

  it('indexes every distinct word once, and the name words once more as name words', () => {
    expect(searchDocument({ name: 'Desk lamp', description: 'A lamp', sku: 'DL-1' })).toEqual([
      'wwdesk',
      'wwlamp',
      'wwa',
      'wwdl',
      'ww1',
      'nndesk',
      'nnlamp',
    ]);
  });

  it('gives one token per distinct term, none for punctuation only', () => {
    expect(searchTokens('Lamp lamp LÁMP desk')).toEqual({
      any: ['wwlamp', 'wwdesk'],
      name: ['nnlamp', 'nndesk'],
    });
    expect(searchTokens('*** ---').any).toEqual([]);
  });
});
