/**
 * The words of product search, computed here (not by the database) so that case and accents
 * fold exactly alike on SQLite and MySQL/MariaDB. See docs/architecture.md, "Search".
 */
import { foldText } from '../common/fold-text';

/** Words (and terms) are runs of Unicode letters and digits; anything else separates them. */
const WORD = /[\p{L}\p{N}]+/gu;

/** The folded words of a text, in order (duplicates kept). */
export function searchWords(text: string | null | undefined): string[] {
  return text ? (foldText(text).match(WORD) ?? []) : [];
}

/*
 * Index tokens: every word is written in [a-z0-9] so that neither database's tokenizer,
 * collation or stopword list sees anything but plain ASCII tokens: a-y and 0-9 stand for
 * themselves, every other code point (z included) is `z` + 4 base-35 digits ([0-9a-y]). The
 * code is prefix-free, so a term is the start of a word exactly when its token is the start
 * of the word's token. A two-letter marker keeps every token at least 3 long
 * (innodb_ft_min_token_size) and out of any stopword list, and tells where the word is.
 */
const ANY_MARK = 'ww';
const NAME_MARK = 'nn';
/** Under innodb_ft_max_token_size (84): longer tokens are cut (words of 16+ escapes). */
const MAX_TOKEN = 80;
const PLAIN = /^[a-y0-9]*$/;

function encodeWord(word: string): string {
  if (PLAIN.test(word)) return word;
  let out = '';
  for (const c of word) {
    out += /[a-y0-9]/.test(c)
      ? c
      : 'z' + (c.codePointAt(0) as number).toString(35).padStart(4, '0');
  }
  return out;
}

function token(mark: string, word: string): string {
  return (mark + encodeWord(word)).slice(0, MAX_TOKEN);
}

/**
 * The index tokens of a product, distinct: every word of name, description and SKU as an
 * "any field" token, and the name's words once more as "name" tokens.
 */
export function searchDocument(fields: {
  name: string;
  description?: string | null;
  sku?: string | null;
}): string[] {
  const name = searchWords(fields.name);
  const any = [...name, ...searchWords(fields.description), ...searchWords(fields.sku)];
  return [
    ...new Set([...any.map((w) => token(ANY_MARK, w)), ...name.map((w) => token(NAME_MARK, w))]),
  ];
}

/** The prefix tokens of a search text: one per distinct term (none: the search matches nothing). */
export interface SearchTokens {
  /** Each term the start of a word of any field. */
  any: string[];
  /** Each term the start of a word of the name. */
  name: string[];
}

export function searchTokens(search: string): SearchTokens {
  const terms = [...new Set(searchWords(search))];
  return {
    any: terms.map((t) => token(ANY_MARK, t)),
    name: terms.map((t) => token(NAME_MARK, t)),
  };
}
