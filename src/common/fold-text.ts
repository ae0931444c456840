/**
 * Case and accents folded in TypeScript, not by a database's collation, so that product and
 * customer search ignore them exactly alike on SQLite and MySQL/MariaDB.
 */
const MARKS = /\p{M}+/gu;
const ASCII = /^[ -~]*$/;

/**
 * Diacritics removed (NFD, combining marks dropped), then simple case folding: each code
 * point on its own maps to one code point (so `ς` and `σ` fold alike, `ß` stays `ß`).
 */
export function foldText(text: string): string {
  const bare = text.normalize('NFD').replace(MARKS, '');
  if (ASCII.test(bare)) return bare.toLowerCase();
  let out = '';
  for (const c of bare) out += foldChar(c);
  return out;
}

function foldChar(c: string): string {
  // toLowerCase alone is contextual (final sigma) and misses e.g. ſ -> s; upper then lower
  // of one code point is its simple folding whenever both steps stay one code point.
  const upper = c.toUpperCase();
  if ([...upper].length === 1) {
    const lower = upper.toLowerCase();
    if ([...lower].length === 1) return lower;
  }
  const lower = c.toLowerCase();
  return [...lower].length === 1 ? lower : c;
}
