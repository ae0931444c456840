import { registerAs } from '@nestjs/config';

export const databaseConfig = registerAs('database', () => ({
  url: process.env.DATABASE_URL ?? 'sqlite:data/storefront.sqlite',
  migrationsRun: (process.env.DATABASE_MIGRATIONS_RUN ?? 'true') === 'true',
}));
export type DatabaseConfig = ReturnType<typeof databaseConfig>;
