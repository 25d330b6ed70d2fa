import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chainedEventBytes, type ChainedEventFields } from '../src/audit/audit-leaf';
import { AuditSequencer } from '../src/audit/audit-sequencer.service';
import { AuditSigningKey } from '../src/audit/audit-signing';
import { AuditVerificationService } from '../src/audit/audit-verification.service';
import { AuditService } from '../src/audit/audit.service';
import { leafHash, rootOf } from '../src/audit/merkle/rfc6962';
import { SystemClock } from '../src/common/clock';
import { loadConfig, type AppConfig } from '../src/config/app-config';
import { type DatabaseHandle } from '../src/database/data-source.factory';
import { TransactionRunner } from '../src/database/transaction-runner';
import { openAppDatabase } from '../src/entities';
import { createTestDatabase } from './support/test-database';
import { MIGRATIONS } from '../migrations';
import type { DataSource } from 'typeorm';

/** Reverts the migrations that come after the Merkle log's, so that its own is the last applied. */
async function undoLaterMigrations(ds: DataSource): Promise<void> {
  const later = MIGRATIONS.length - 1 - MIGRATIONS.findIndex((m) => m.name === 'AuditMerkleLog1768700000000');
  for (let i = 0; i < later; i += 1) await ds.undoLastMigration({ transaction: 'each' });
}

/** Services wired by hand on a database handle (as the CLI and the benchmark do). */
function services(database: DatabaseHandle, config: AppConfig) {
  const transactions = new TransactionRunner(database.dataSource);
  const clock = new SystemClock();
  const key = new AuditSigningKey(config);
  return {
    key,
    audit: new AuditService(transactions, clock),
    sequencer: new AuditSequencer(transactions, key, clock, config),
    verification: new AuditVerificationService(transactions, key),
  };
}

/**
 * The Merkle-log migration: the former hash chain's events become the log's first leaves, in seq
 * order, with leaf SHA-256(0x00 ‖ the v1 bytes their chain hash covers); their old checkpoints stay
 * verifiable; new events follow. And the log works on the embedded engine (PGlite).
 */
describe('audit Merkle log migration and engines', () => {
  it('turns an existing hash chain into the first leaves of the log (PostgreSQL 15)', async () => {
    const testDatabase = await createTestDatabase('audit_migration');
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'claims-audit-migration-'));
    const config = loadConfig({ DATABASE_URL: testDatabase.url, DATA_DIR: dataDir });
    const database = await openAppDatabase(config, { runMigrations: false });
    try {
      const ds = database.dataSource;
      await ds.runMigrations({ transaction: 'each' });
      await undoLaterMigrations(ds);
      await ds.undoLastMigration({ transaction: 'each' });
      // The former chain, as the previous version wrote it: 7 linked events and a signed checkpoint.
      const { key } = services(database, config);
      const chain: Array<ChainedEventFields & { hash: string }> = [];
      let prevHash = '0'.repeat(64); // the former chain's genesis
      for (let seq = 1; seq <= 7; seq += 1) {
        const fields: ChainedEventFields = {
          seq,
          occurredAt: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)),
          actorType: 'system',
          actorId: 'legacy',
          action: 'legacy.event',
          resourceType: 'claim',
          resourceId: `c-${seq}`,
          requestId: null,
          sourceIp: null,
          justification: null,
          details: { seq, nested: { b: 1, a: [1, 2] } },
          prevHash,
        };
        const hash = createHash('sha256').update(chainedEventBytes(fields)).digest('hex');
        chain.push({ ...fields, hash });
        await ds.query(
          `INSERT INTO audit_events (seq, occurred_at, actor_type, actor_id, action, resource_type, resource_id, details, prev_hash, hash)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
          [
            seq,
            fields.occurredAt,
            'system',
            'legacy',
            'legacy.event',
            'claim',
            `c-${seq}`,
            fields.details,
            prevHash,
            hash,
          ],
        );
        prevHash = hash;
      }
      const checkpoint = key.sign({ seq: 5, headHash: chain[4].hash, signedAt: new Date() });
      await ds.query(
        `INSERT INTO audit_checkpoints (seq, head_hash, signed_at, key_id, public_key, signature) VALUES ($1, $2, $3, $4, $5, $6)`,
        [5, checkpoint.headHash, checkpoint.signedAt, checkpoint.keyId, checkpoint.publicKey, checkpoint.signature],
      );

      await ds.runMigrations({ transaction: 'each' });
      const rows = (await ds.query(
        `SELECT seq::int AS seq, log_index::int AS log_index, leaf_hash FROM audit_log ORDER BY seq`,
      )) as Array<{ seq: number; log_index: number; leaf_hash: Buffer }>;
      expect(rows.map((row) => row.log_index)).toEqual([0, 1, 2, 3, 4, 5, 6]);
      const leaves = chain.map((event) => leafHash(chainedEventBytes(event)));
      expect(rows.map((row) => Buffer.from(row.leaf_hash))).toEqual(leaves);

      // New events follow the former chain; the whole log verifies, old checkpoint included.
      const { audit, sequencer, verification } = services(database, config);
      await audit.record({ actorType: 'system', actorId: 'new' }, { action: 'new.event' });
      const { head } = await sequencer.flush();
      expect(head.treeSize).toBe(8);
      const [newRow] = (await ds.query(
        `SELECT seq::int AS seq, log_index::int AS log_index, leaf_hash FROM audit_log WHERE action = 'new.event'`,
      )) as Array<{ seq: number; log_index: number; leaf_hash: Buffer }>;
      expect(newRow).toMatchObject({ seq: 8, log_index: 7 });
      expect(head.rootHash).toEqual(rootOf([...leaves, Buffer.from(newRow.leaf_hash)]));
      expect(await verification.verify()).toMatchObject({
        ok: true,
        eventsChecked: 8,
        treeHeadsChecked: 1,
        legacyCheckpointsChecked: 1,
      });

      // Reverting would drop events that have no chain hash: refused.
      await undoLaterMigrations(ds);
      await expect(ds.undoLastMigration({ transaction: 'each' })).rejects.toThrow(/without a hash chain/);
    } finally {
      await database.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
      await testDatabase.drop();
    }
  });

  it('appends, sequences, signs and verifies on the embedded database (PGlite)', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'claims-audit-pglite-'));
    const config = loadConfig({ DATA_DIR: dataDir });
    const database = await openAppDatabase(config, { runMigrations: true });
    try {
      const { audit, sequencer, verification } = services(database, config);
      await Promise.all(
        Array.from({ length: 10 }, (_, index) =>
          audit.record({ actorType: 'system', actorId: 'pglite' }, { action: 'pglite.event', details: { index } }),
        ),
      );
      const { head, created } = await sequencer.flush();
      expect(created).toBe(true);
      expect(head.treeSize).toBe(10);
      expect(await verification.verify()).toMatchObject({ ok: true, eventsChecked: 10, treeHeadsChecked: 1 });
    } finally {
      await database.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
