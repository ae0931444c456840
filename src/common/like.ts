/**
 * Escapes LIKE wildcards so a search term matches literally. Use with `ESCAPE '!'`:
 * a backslash escape would need different quoting on MySQL and SQLite.
 */
export const LIKE_ESCAPE = "ESCAPE '!'";
export function likeContains(term: string): string {
  return `%${term.replace(/[!%_]/g, (c) => `!${c}`)}%`;
}
