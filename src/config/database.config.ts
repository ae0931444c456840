import { registerAs } from '@nestjs/config';

export const DEFAULT_DATABASE_URL = 'sqlite:data/storefront.sqlite';

export const databaseConfig = registerAs('database', () => ({
  url: process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL,
  migrationsRun: (process.env.DATABASE_MIGRATIONS_RUN ?? 'true') === 'true',
}));
export type DatabaseConfig = ReturnType<typeof databaseConfig>;
