import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig } from '../src/config/app-config';
import { type DatabaseHandle } from '../src/database/data-source.factory';
import { openAppDatabase } from '../src/entities';
import { MIGRATIONS } from '../migrations';
import { factories } from './support/factories';
import { createTestDatabase } from './support/test-database';

const EXPECTED_TABLES = [
  'audit_events',
  'claims',
  'photos',
  'policies',
  'review_tasks',
  'decisions',
  'users',
  'api_keys',
  'retention_policies',
  'legal_holds',
];

async function tables(database: DatabaseHandle): Promise<string[]> {
  const rows = (await database.dataSource.query(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'schema_migrations' ORDER BY 1`,
  )) as Array<{ table_name: string }>;
  return rows.map((row) => row.table_name);
}

async function migrateUpDownUp(database: DatabaseHandle): Promise<void> {
  expect(await tables(database)).toEqual([]);
  const applied = await database.dataSource.runMigrations({ transaction: 'each' });
  expect(applied.map((migration) => migration.name)).toEqual(MIGRATIONS.map((migration) => migration.name));
  expect(await tables(database)).toEqual(expect.arrayContaining(EXPECTED_TABLES));
  // The append-only triggers exist on both engines: an UPDATE of the audit trail is refused.
  await factories(database.dataSource).newAuditEventRow({
    seq: 1,
    actorType: 'system',
    action: 'test',
    details: {},
    prevHash: 'x',
    hash: 'y',
  });
  await expect(database.dataSource.query(`UPDATE audit_events SET action = 'changed'`)).rejects.toThrow(/append-only/);
  await expect(database.dataSource.query(`TRUNCATE audit_events`)).rejects.toThrow(/append-only/);

  for (let step = 0; step < MIGRATIONS.length; step += 1)
    await database.dataSource.undoLastMigration({ transaction: 'each' });
  expect(await tables(database)).toEqual([]);
  const [{ count }] = (await database.dataSource.query(
    'SELECT count(*)::int AS count FROM schema_migrations',
  )) as Array<{ count: number }>;
  expect(count).toBe(0);

  await database.dataSource.runMigrations({ transaction: 'each' });
  expect(await tables(database)).toEqual(expect.arrayContaining(EXPECTED_TABLES));
}

describe('migrations', () => {
  it('run from empty, revert cleanly and run again on PostgreSQL 15', async () => {
    const testDatabase = await createTestDatabase('migrations');
    const database = await openAppDatabase(loadConfig({ DATABASE_URL: testDatabase.url }), { runMigrations: false });
    try {
      const [{ server_version }] = (await database.dataSource.query('SHOW server_version')) as Array<{
        server_version: string;
      }>;
      expect(server_version).toMatch(/^15\./);
      await migrateUpDownUp(database);
    } finally {
      await database.close();
      await testDatabase.drop();
    }
  });

  it('run from empty, revert cleanly and run again on the embedded database (PGlite)', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'claims-pglite-'));
    const database = await openAppDatabase(loadConfig({ DATA_DIR: dataDir }), { runMigrations: false });
    try {
      const [{ version }] = (await database.dataSource.query('SELECT version()')) as Array<{ version: string }>;
      expect(version).toContain('PGlite');
      await migrateUpDownUp(database);
    } finally {
      await database.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses a second process on the same embedded database folder', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'claims-pglite-lock-'));
    fs.mkdirSync(path.join(dataDir, 'pg'), { recursive: true });
    // A live process (this test's parent, say) holds the lock.
    fs.writeFileSync(path.join(dataDir, 'pg.lock'), String(process.ppid));
    await expect(openAppDatabase(loadConfig({ DATA_DIR: dataDir }), { runMigrations: false })).rejects.toThrow(
      /in use by process/,
    );
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
});
