import { randomBytes } from 'node:crypto';
import { AuditService } from '../../src/audit/audit.service';
import { ReviewService } from '../../src/review/review.service';
import { TEST_CONTEXT } from './auth-helpers';
import type { TestApp } from './test-app';
import { createClaim, uploadPhotos } from '../fixtures/intake-fixtures';

export interface SeededCheck {
  kind: string;
  /** Index into the claim's photos; null: a claim-level check. */
  photo: number | null;
  flagged?: boolean;
  uncertain?: boolean;
  score?: number;
  reason: string;
  evidence?: Record<string, unknown>;
}

export interface SeededClaim {
  claimId: string;
  photoIds: string[];
  checkIds: string[];
  taskId: string | null;
}

/**
 * A claim with uploaded photos (real sealed blobs) and a scoring run whose checks are written directly (no
 * model): what the workbench shows, without scoring through the pipeline. `task`: open a review task.
 */
export async function seedScoredClaim(
  testApp: TestApp,
  input: {
    apiKey: string;
    policyId: string;
    team: string;
    photos: Array<{ name: string; bytes: Buffer }>;
    checks: SeededCheck[];
    status?: string;
    task?: 'flagged' | 'uncertain' | null;
    claim?: Record<string, unknown>;
  },
): Promise<SeededClaim> {
  const claim = await createClaim(testApp, input.apiKey, input.policyId, input.claim);
  // One request per photo: each gets its own created_at, so the claim's photo order is the order given here.
  const photoIds: string[] = [];
  for (const photo of input.photos) {
    const uploaded = await uploadPhotos(testApp, input.apiKey, claim.id, [photo]);
    if (uploaded.status !== 201) throw new Error(`upload failed: ${uploaded.status} ${JSON.stringify(uploaded.body)}`);
    photoIds.push((uploaded.body as { photos: Array<{ id: string }> }).photos[0].id);
  }
  const db = testApp.database.dataSource;
  const status = input.status ?? (input.task === 'uncertain' ? 'needs_review' : 'inconsistent');
  await db.query(`UPDATE claims SET status = $2, submitted_at = now() WHERE id = $1`, [claim.id, status]);
  const threshold = { flagAt: 0.9, uncertainFrom: 0.8 };
  const scores = {
    insuredObject: 'sedan',
    promptSet: {
      version: 'seed',
      damage: [
        { key: 'collision', prompts: ['a photo of a car with collision damage'] },
        { key: 'wear_and_tear', prompts: ['a photo of a rusty sedan', 'rust'] },
        { key: 'none', prompts: ['a photo of an undamaged sedan'] },
      ],
      objects: [{ key: 'sedan', prompts: ['a photo of a sedan'] }],
    },
    photos: Object.fromEntries(
      photoIds.map((id) => [
        id,
        {
          usable: true,
          quality: { width: 640, height: 480, brightness: 120, sharpness: 30 },
          damage: {
            collision: { cosine: 0.2, probability: 0.31 },
            wear_and_tear: { cosine: 0.25, probability: 0.62 },
            none: { cosine: 0.1, probability: 0.07 },
          },
          objects: { sedan: { cosine: 0.3, probability: 0.93 } },
        },
      ]),
    ),
  };
  const [run] = (await db.query(
    `INSERT INTO scoring_runs (claim_id, model_id, model_hash, prompt_set_version, thresholds, scores, provider, duration_ms, outcome)
     VALUES ($1, 'seeded', 'seeded', 'seed', $2::jsonb, $3::jsonb, 'cpu', 1, $4) RETURNING id`,
    [claim.id, JSON.stringify({}), JSON.stringify(scores), status],
  )) as Array<{ id: string }>;
  const checkIds: string[] = [];
  for (const check of input.checks) {
    const [row] = (await db.query(
      `INSERT INTO checks (claim_id, scoring_run_id, photo_id, kind, score, confidence, flagged, uncertain, severity, reason, evidence)
       VALUES ($1, $2, $3, $4, $5, 1, $6, $7, $8, $9, $10::jsonb) RETURNING id`,
      [
        claim.id,
        run.id,
        check.photo === null ? null : photoIds[check.photo],
        check.kind,
        check.score ?? (check.flagged ? 0.97 : 0.1),
        check.flagged ?? false,
        check.uncertain ?? false,
        check.flagged ? 'high' : 'info',
        check.reason,
        JSON.stringify({ threshold, ...check.evidence }),
      ],
    )) as Array<{ id: string }>;
    checkIds.push(row.id);
  }
  let taskId: string | null = null;
  if (input.task) {
    const task = await testApp.app.get(AuditService).run(TEST_CONTEXT, (tx) =>
      testApp.app.get(ReviewService).openTask(tx, {
        claimId: claim.id,
        reason: input.task!,
        priority: 800,
        slaDueAt: new Date(Date.now() + 24 * 3_600_000),
        team: input.team,
      }),
    );
    taskId = task.id;
  }
  return { claimId: claim.id, photoIds, checkIds, taskId };
}

export const uniqueName = (prefix: string) => `${prefix}-${randomBytes(3).toString('hex')}.jpg`;
