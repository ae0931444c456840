import { ValueTransformer } from 'typeorm';

/** BIGINT comes back as a string from mysql2; our values fit in a safe integer. */
export const bigintToNumber: ValueTransformer = {
  to: (v: number | null | undefined) => v,
  from: (v: string | number | null) => (v === null || v === undefined ? v : Number(v)),
};
