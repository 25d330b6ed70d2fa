/**
 * The data-class map (src/retention/data-classes.ts) against the real, migrated schema: every table
 * and column is declared, nothing declared is missing, and every personal or evidence column names
 * the owner's method that purges it — a method that exists and that the purge calls, or, for
 * `ClaimsRepository.purge`, a foreign key that cascades from the claim.
 */
import { WebhookEventsRepository } from '../src/webhooks/webhook-events.repository';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ClaimsRepository } from '../src/claims/claims.repository';
import { loadConfig } from '../src/config/app-config';
import type { DatabaseHandle } from '../src/database/data-source.factory';
import { openAppDatabase } from '../src/entities';
import { PostgresBlobStore } from '../src/evidence/blob-store-postgres';
import { PhotosRepository } from '../src/claims/photos.repository';
import { GovernanceRepository } from '../src/governance/governance.repository';
import { DATA_CLASS_MAP, type PurgeOwner } from '../src/retention/data-classes';
import { DATA_CLASSES } from '../src/retention/retention.entity';
import { ChecksRepository } from '../src/validation/checks.repository';
import { createTestDatabase, type TestDatabase } from './support/test-database';

const OWNERS: Record<PurgeOwner, { prototype: object }> = {
  ClaimsRepository,
  PhotosRepository,
  ChecksRepository,
  BlobStore: PostgresBlobStore,
  WebhookEventsRepository,
  GovernanceRepository,
};

let testDatabase: TestDatabase;
let database: DatabaseHandle;

beforeAll(async () => {
  testDatabase = await createTestDatabase('data_classes');
  database = await openAppDatabase(loadConfig({ DATABASE_URL: testDatabase.url }), { runMigrations: true });
});

afterAll(async () => {
  await database?.close();
  await testDatabase?.drop();
});

async function schemaColumns(): Promise<string[]> {
  const rows = (await database.dataSource.query(
    `SELECT c.table_name, c.column_name FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
      WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE' ORDER BY 1, 2`,
  )) as Array<{ table_name: string; column_name: string }>;
  return rows.map((row) => `${row.table_name}.${row.column_name}`);
}

const declared = Object.entries(DATA_CLASS_MAP).flatMap(([table, columns]) =>
  Object.entries(columns).map(([column, rule]) => ({ table, column, rule })),
);

describe('data-class map', () => {
  it('declares exactly the tables and columns the migrations create', async () => {
    const actual = await schemaColumns();
    const mapped = declared.map(({ table, column }) => `${table}.${column}`).sort();
    expect({ undeclared: actual.filter((name) => !mapped.includes(name)) }).toEqual({ undeclared: [] });
    expect({ notInSchema: mapped.filter((name) => !actual.includes(name)) }).toEqual({ notInSchema: [] });
  });

  it('names a purge for every personal and evidence column, by a method its owner has', () => {
    const sensitive = declared.filter(({ rule }) => rule.class === 'personal' || rule.class === 'evidence');
    expect(sensitive.length).toBeGreaterThan(0);
    const problems: string[] = [];
    for (const { table, column, rule } of declared) {
      const name = `${table}.${column}`;
      if ((rule.class === 'personal' || rule.class === 'evidence') && !rule.purge) problems.push(`${name}: no purge`);
      if (!rule.purge) continue;
      if (!DATA_CLASSES.includes(rule.purge.dataClass)) problems.push(`${name}: unknown class ${rule.purge.dataClass}`);
      const [owner, method] = rule.purge.by.split('.') as [PurgeOwner, string];
      const prototype = OWNERS[owner]?.prototype as Record<string, unknown> | undefined;
      if (typeof prototype?.[method] !== 'function') problems.push(`${name}: ${rule.purge.by} does not exist`);
    }
    expect(problems).toEqual([]);
  });

  it('the purge calls every purge method the map names', () => {
    const purge = readFileSync(join(__dirname, '..', 'src', 'retention', 'purge.service.ts'), 'utf8');
    const methods = [...new Set(declared.flatMap(({ rule }) => (rule.purge ? [rule.purge.by.split('.')[1]] : [])))];
    expect(methods.filter((method) => !purge.includes(`.${method}(`))).toEqual([]);
  });

  it('every table whose columns go with the claim record cascades from claims', async () => {
    const rows = (await database.dataSource.query(
      `SELECT child.relname AS table_name
         FROM pg_constraint c
         JOIN pg_class child ON child.oid = c.conrelid
         JOIN pg_class parent ON parent.oid = c.confrelid
        WHERE c.contype = 'f' AND parent.relname = 'claims' AND c.confdeltype = 'c'`,
    )) as Array<{ table_name: string }>;
    const cascading = new Set(rows.map((row) => row.table_name));
    const needing = [
      ...new Set(
        declared
          .filter(({ table, rule }) => table !== 'claims' && rule.purge?.by === 'ClaimsRepository.purge')
          .map(({ table }) => table),
      ),
    ];
    expect(needing.length).toBeGreaterThan(0);
    expect(needing.filter((table) => !cascading.has(table))).toEqual([]);
  });
});
