/**
 * The collation of the columns that must compare exactly on MySQL/MariaDB as on SQLite
 * (usernames, SKUs, session ids, Idempotency-Keys): binary and NO PAD, so neither case,
 * accents nor trailing spaces fold. (utf8mb4_bin is PAD SPACE: `'a ' = 'a'` would still
 * hold, in lookups and in unique indexes.) This is MariaDB's name; MySQL 8 has the same
 * collation as utf8mb4_0900_bin, which the migration picks there (TypeORM never compares
 * collations, so the entities can name one). SQLite compares bytes already.
 */
export const EXACT_COLLATION = 'utf8mb4_nopad_bin';
