import * as fs from 'node:fs';
import * as path from 'node:path';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { FsBlobStore } from '../../src/evidence/blob-store-fs';
import { AUTO_POLICY } from '../fixtures/claim-scenarios';
import { createClaim, createPolicy, uploadPhotos } from '../fixtures/intake-fixtures';
import { scenePhoto } from '../fixtures/photo-fixtures';
import { waitFor } from './processes';
import type { TestApp } from './test-app';

export const FINAL_STATUSES = ['consistent', 'inconsistent', 'needs_review'];

/** The body of a 503 while a dependency is down: the one error shape, with what is down in `message`. */
export function serviceUnavailable(message: string) {
  return { statusCode: 503, error: 'Service Unavailable', message };
}

/**
 * Makes startTestApp create (and drop) its databases on the server at `url` (TEST_POSTGRES_URL), not the
 * machine's shared one; call the function it returns to point them back where they were.
 */
export function createTestDatabasesOn(url: string): () => void {
  const saved = process.env.TEST_POSTGRES_URL;
  process.env.TEST_POSTGRES_URL = url;
  return () => {
    if (saved === undefined) delete process.env.TEST_POSTGRES_URL;
    else process.env.TEST_POSTGRES_URL = saved;
  };
}

/** Draft claims with `photos` rendered photos each, ready to submit. */
export async function draftClaims(
  testApp: TestApp,
  apiKey: string,
  count: number,
  photos = 2,
  seedBase = 100,
): Promise<string[]> {
  const policy = await createPolicy(testApp, apiKey, { ...AUTO_POLICY, number: `FAULT-${Date.now()}-${seedBase}` });
  const ids: string[] = [];
  for (let index = 0; index < count; index += 1) {
    const claim = await createClaim(testApp, apiKey, policy.id, {
      claimedPeril: 'collision',
      incidentDate: '2026-03-01',
    });
    const files = [];
    for (let photo = 0; photo < photos; photo += 1)
      files.push({ name: `photo-${index}-${photo}.jpg`, bytes: await scenePhoto(seedBase + index * 10 + photo) });
    await uploadPhotos(testApp, apiKey, claim.id, files).expect(201);
    ids.push(claim.id);
  }
  return ids;
}

export function submit(testApp: TestApp, apiKey: string, claimId: string): request.Test {
  return request(testApp.app.getHttpServer()).post(`/v1/claims/${claimId}/submit`).set('X-API-Key', apiKey);
}

export async function statuses(dataSource: DataSource, claimIds: string[]): Promise<Map<string, string>> {
  const rows = (await dataSource.query(`SELECT id, status FROM claims WHERE id = ANY($1::uuid[])`, [
    claimIds,
  ])) as Array<{ id: string; status: string }>;
  return new Map(rows.map((row) => [row.id, row.status]));
}

export async function waitUntilScored(
  dataSource: DataSource,
  claimIds: string[],
  timeoutMs: number,
): Promise<Map<string, string>> {
  return waitFor(
    async () => {
      const current = await statuses(dataSource, claimIds);
      return claimIds.every((id) => FINAL_STATUSES.includes(current.get(id) ?? '')) ? current : undefined;
    },
    timeoutMs,
    `${claimIds.length} claims to be scored`,
  );
}

/**
 * Exactly-once evidence for scored claims: per claim one scoring run, one `scoring.run_completed`
 * event, one queued → scoring transition, at most one review task (exactly one where the outcome
 * needs a person).
 */
export async function scoringLedger(dataSource: DataSource, claimIds: string[]) {
  const count = async (sql: string) => {
    const rows = (await dataSource.query(sql, [claimIds])) as Array<{ claim_id: string; n: string }>;
    return new Map(rows.map((row) => [row.claim_id, Number(row.n)]));
  };
  return {
    runs: await count(
      `SELECT claim_id::text AS claim_id, count(*) AS n FROM scoring_runs WHERE claim_id = ANY($1::uuid[]) GROUP BY claim_id`,
    ),
    completedEvents: await count(
      `SELECT details->>'claimId' AS claim_id, count(*) AS n FROM audit_events WHERE action = 'scoring.run_completed' AND details->>'claimId' = ANY($1::text[]) GROUP BY 1`,
    ),
    scoringTransitions: await count(
      `SELECT resource_id AS claim_id, count(*) AS n FROM audit_events WHERE action = 'claim.status_changed' AND details->>'to' = 'scoring' AND resource_id = ANY($1::text[]) GROUP BY 1`,
    ),
    reviewTasks: await count(
      `SELECT claim_id::text AS claim_id, count(*) AS n FROM review_tasks WHERE claim_id = ANY($1::uuid[]) GROUP BY claim_id`,
    ),
  };
}

/** What the file blob store under DATA_DIR/blobs holds: blob keys, and temp files a failed put would leave. */
export async function blobStoreContents(
  dataDir: string,
): Promise<{ keys: string[]; tempFiles: string[]; files: string[] }> {
  const root = path.join(dataDir, 'blobs');
  const keys: string[] = [];
  for await (const key of new FsBlobStore(root).keys()) keys.push(key);
  const files: string[] = [];
  const walk = (directory: string) => {
    if (!fs.existsSync(directory) || !fs.statSync(directory).isDirectory()) return;
    for (const entry of fs.readdirSync(directory, { withFileTypes: true })) {
      const full = path.join(directory, entry.name);
      if (entry.isDirectory()) walk(full);
      else files.push(path.relative(root, full));
    }
  };
  walk(root);
  return { keys: keys.sort(), tempFiles: files.filter((file) => path.basename(file).startsWith('.')), files };
}

/** Every blob key the photo rows of these claims name (original, preview, thumbnail). */
export async function photoBlobKeys(dataSource: DataSource, claimIds?: string[]): Promise<string[]> {
  const rows = (await dataSource.query(
    `SELECT original_blob_key, preview_blob_key, thumbnail_blob_key FROM photos ${claimIds ? 'WHERE claim_id = ANY($1::uuid[])' : ''}`,
    claimIds ? [claimIds] : [],
  )) as Array<{ original_blob_key: string; preview_blob_key: string; thumbnail_blob_key: string }>;
  return rows.flatMap((row) => [row.original_blob_key, row.preview_blob_key, row.thumbnail_blob_key]).sort();
}
