/**
 * Writes swagger.yaml from the code, with no database and no listening port: the app is
 * compiled with an in-memory SQLite that never connects (migrations off, lazy init).
 */
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dump } from 'js-yaml';

async function main(): Promise<void> {
  process.env.DATABASE_URL = 'sqlite::memory:';
  process.env.DATABASE_MIGRATIONS_RUN = 'false';
  process.env.LOG_LEVEL = 'silent';
  delete process.env.REDIS_URL;
  const { createApp } = await import('../src/app.factory');
  const { buildOpenApiDocument } = await import('../src/openapi');
  const app = await createApp({ docs: false, logger: false });
  const document = buildOpenApiDocument(app);
  await app.close();
  const out = join(__dirname, '..', '..', 'swagger.yaml');
  writeFileSync(out, dump(document, { noRefs: true, lineWidth: 120, sortKeys: false }));
  console.log(`wrote ${out}`);
}

void main();
