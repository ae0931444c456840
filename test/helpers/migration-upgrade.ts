import { DataSource } from 'typeorm';
import { buildTypeOrmOptions } from '../../src/database/typeorm-options';
import { Http } from './http';
import { ADMIN, startApp, TestApp } from './test-app';

export interface Upgraded {
  t: TestApp;
  http: Http;
  admin: string;
}

/**
 * The upgrade of a database an earlier release migrated: the app migrates a fresh database,
 * every migration down to `migration` (included) is reverted, `writeOld` writes rows as
 * that release wrote them (plain SQL: the entities are of this release), and the app starts
 * on it again, migrating up as it does on every start.
 */
export async function upgradeFrom(
  migration: string,
  writeOld: (ds: DataSource) => Promise<void>,
): Promise<Upgraded> {
  const first = await startApp();
  const url = first.databaseUrl;
  await first.close();
  const ds = new DataSource(buildTypeOrmOptions({ url, migrationsRun: false }));
  await ds.initialize();
  try {
    const executed = async () =>
      (await ds.query<{ name: string }[]>('SELECT name FROM migrations')).map((m) => m.name);
    while ((await executed()).includes(migration)) await ds.undoLastMigration();
    await writeOld(ds);
  } finally {
    await ds.destroy();
  }
  const t = await startApp({ databaseUrl: url });
  const http = new Http(t.baseUrl);
  const admin = (await http.login(ADMIN.username, ADMIN.password)).accessToken;
  return { t, http, admin };
}
