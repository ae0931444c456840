import { registerAs } from '@nestjs/config';

export const paginationConfig = registerAs('pagination', () => ({
  /**
   * Signs page cursors. Unset: derived from JWT_SECRET, which every instance of a
   * deployment already shares (a cursor from one instance works on the others).
   */
  cursorSecret: process.env.CURSOR_SECRET,
}));
export type PaginationConfig = ReturnType<typeof paginationConfig>;
