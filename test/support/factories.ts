import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource, type EntityManager, type EntityTarget, type ObjectLiteral } from 'typeorm';
import { AuditEvent } from '../../src/audit/audit-event.entity';
import { ApiClient } from '../../src/auth/api-client.entity';
import { User } from '../../src/auth/user.entity';
import { Claim } from '../../src/claims/claim.entity';
import { photoBlobKey } from '../../src/evidence/blob-store';
import { Photo } from '../../src/claims/photo.entity';
import { Clause, Policy } from '../../src/policies/policy.entity';
import { ReviewTask } from '../../src/review/review-task.entity';
import type { TestApp } from './test-app';

/**
 * Test-data factories: rows written straight to the database with sensible defaults, so a test names
 * only what matters to it:
 *
 *   const make = factories(testApp);
 *   const claim = await make.newClaim({ status: 'needs_review', team: 'north' });
 *
 * A factory fills in the rows a row needs (a claim without `policyId` gets a fresh policy, one without
 * `submitterClientId` a fresh API client of its team). They bypass the services on purpose — no audit
 * event, no validation — so use them to set the stage, and the services (or HTTP) for what is tested.
 * They write through the handle they are given: the test app's DataSource, or a transaction's
 * EntityManager (then the rows share the transaction's fate).
 */
export type FactoryTarget = TestApp | DataSource | EntityManager;

type Overrides<T> = { [K in keyof T]?: T[K] };

export type ClaimOverrides = Overrides<Omit<Claim, 'version' | 'updatedAt'> & { updatedAt: Date; version: number }> & {
  /** Line of business of the policy made for the claim when no `policyId` is given. */
  lineOfBusiness?: Policy['lineOfBusiness'];
};
export type PolicyOverrides = Overrides<Omit<Policy, 'clauses'>> & { clauses?: Array<Overrides<Clause>> };
export type PhotoOverrides = Overrides<Photo>;
export type ReviewTaskOverrides = Overrides<ReviewTask>;
export type UserOverrides = Overrides<User>;
export type ApiClientOverrides = Overrides<ApiClient>;
export type AuditEventOverrides = Overrides<AuditEvent>;

export interface Factories {
  readonly manager: EntityManager;
  newApiClient(overrides?: ApiClientOverrides): Promise<ApiClient>;
  newUser(overrides?: UserOverrides): Promise<User>;
  newPolicy(overrides?: PolicyOverrides): Promise<Policy>;
  newClaim(overrides?: ClaimOverrides): Promise<Claim>;
  newPhoto(overrides?: PhotoOverrides): Promise<Photo>;
  newReviewTask(overrides?: ReviewTaskOverrides): Promise<ReviewTask>;
  /** A raw audit_events row, outside the chain (for schema tests; real events go through AuditService). */
  newAuditEventRow(overrides?: AuditEventOverrides): Promise<AuditEvent>;
}

const suffix = () => randomBytes(4).toString('hex');

function managerOf(target: FactoryTarget): EntityManager {
  if (target instanceof DataSource) return target.manager;
  if ('app' in target && 'database' in target) return target.database.dataSource.manager;
  return target;
}

/**
 * INSERTs one row (no SELECT first, unlike save) and returns the entity as stored, with the values the
 * database generated (id, defaults, created_at …).
 */
async function insertRow<T extends ObjectLiteral>(
  manager: EntityManager,
  target: EntityTarget<T>,
  values: Partial<T>,
): Promise<T> {
  const repository = manager.getRepository(target);
  const entity = repository.create(values as T);
  const result = await repository.insert(entity as never);
  const ids = result.identifiers[0];
  return repository.findOneByOrFail(ids as never);
}

export function factories(target: FactoryTarget): Factories {
  const manager = managerOf(target);

  const self: Factories = {
    manager,

    newApiClient: (overrides = {}) =>
      insertRow(manager, ApiClient, { name: `client-${suffix()}`, team: 'team-a', revokedAt: null, ...overrides }),

    newUser: (overrides = {}) => {
      const role = overrides.role ?? 'adjuster';
      return insertRow(manager, User, {
        email: `${role}-${suffix()}@example.test`,
        displayName: `Test ${role}`,
        // Not a valid hash: a factory user cannot sign in (auth-helpers' createUser makes one that can).
        passwordHash: 'factory-user-without-password',
        role,
        team: 'team-a',
        disabledAt: null,
        ...overrides,
      });
    },

    newPolicy: async ({ clauses = [], ...overrides } = {}) => {
      const policy = await insertRow(manager, Policy, {
        number: `POL-${suffix()}`,
        lineOfBusiness: 'auto',
        insuredObject: 'blue 2019 Toyota sedan',
        effectiveFrom: '2025-01-01',
        effectiveTo: '2026-12-31',
        createdByClientId: null,
        ...overrides,
      });
      for (const clause of clauses)
        await insertRow(manager, Clause, {
          code: `C-${suffix()}`,
          kind: 'coverage',
          text: 'Collision damage to the insured vehicle.',
          perilKey: 'collision',
          prompts: [],
          ...clause,
          policyId: policy.id,
        });
      return policy;
    },

    newClaim: async ({ lineOfBusiness, ...overrides } = {}) => {
      const team = overrides.team ?? 'team-a';
      const policyId = overrides.policyId ?? (await self.newPolicy(lineOfBusiness ? { lineOfBusiness } : {})).id;
      const submitterClientId = overrides.submitterClientId ?? (await self.newApiClient({ team })).id;
      return insertRow(manager, Claim, {
        externalReference: `EXT-${suffix()}`,
        claimedPeril: 'collision',
        description: 'Rear-ended at a traffic light.',
        incidentDate: '2025-11-01',
        amount: '1250.00',
        currency: 'EUR',
        claimantRef: null,
        photoSource: 'camera',
        status: 'draft',
        legalHold: false,
        idempotencyKey: randomUUID(),
        requestHash: 'factory',
        submittedAt: null,
        decidedAt: null,
        closedAt: null,
        ...overrides,
        team,
        policyId,
        submitterClientId,
      });
    },

    newPhoto: async (overrides = {}) => {
      const claimId = overrides.claimId ?? (await self.newClaim()).id;
      const id = overrides.id ?? randomUUID();
      return insertRow(manager, Photo, {
        sha256: randomBytes(32).toString('hex'),
        perceptualHash: '0000000000000000',
        width: 640,
        height: 480,
        mime: 'image/jpeg',
        byteSize: 1024,
        fileName: 'photo.jpg',
        originalBlobKey: photoBlobKey(claimId, id, 'original'),
        previewBlobKey: photoBlobKey(claimId, id, 'preview'),
        thumbnailBlobKey: photoBlobKey(claimId, id, 'thumbnail'),
        // No data key: pass a real one (EnvelopeCrypto.newDataKey) when the test reads the photo's blobs.
        wrappedDataKey: null,
        keyVersion: 1,
        gpsCiphertext: null,
        ...overrides,
        id,
        claimId,
      });
    },

    newReviewTask: async (overrides = {}) => {
      const team = overrides.team ?? 'team-a';
      const reason = overrides.reason ?? 'flagged';
      const claimId =
        overrides.claimId ??
        (await self.newClaim({ team, status: reason === 'flagged' ? 'inconsistent' : 'needs_review' })).id;
      const status = overrides.status ?? (overrides.assigneeId ? 'assigned' : 'open');
      return insertRow(manager, ReviewTask, {
        priority: 1,
        slaDueAt: new Date(Date.now() + 24 * 3_600_000),
        assigneeId: null,
        escalatedAt: null,
        ...overrides,
        status,
        reason,
        team,
        claimId,
      });
    },

    newAuditEventRow: (overrides = {}) =>
      insertRow(manager, AuditEvent, {
        seq: 1,
        occurredAt: new Date(),
        actorType: 'system',
        action: 'test',
        details: {},
        prevHash: 'x',
        hash: 'y',
        leafHash: Buffer.alloc(32),
        ...overrides,
      }),
  };
  return self;
}
