import {
  BadRequestException,
  ConflictException,
  Injectable,
  NotFoundException,
  UnprocessableEntityException,
} from '@nestjs/common';
import { subject } from '@casl/ability';
import { createHash } from 'node:crypto';
import type { AuditContext } from '../audit/audit-context';
import { AuditService } from '../audit/audit.service';
import { canonicalJson } from '../audit/canonical-json';
import type { AppAbility } from '../common/access.decorators';
import { AccessService } from '../auth/access.service';
import type { Actor } from '../common/actor';
import { Clock } from '../common/clock';
import { TransactionRunner, type Tx } from '../database/transaction-runner';
import { Photo } from './photo.entity';
import { countPhotosOfClaim, findPhotosOfClaims } from './photos.repository';
import { JobName } from '../jobs/job-registry';
import { JobQueueService } from '../jobs/job-queue.service';
import { isUuid } from '../common/uuid';
import { PoliciesService } from '../policies/policies.service';
import { ClaimEvents } from './claim-events';
import { Claim, type ClaimStatus } from './claim.entity';
import { ClaimsRepository } from './claims.repository';
import type { CreateClaimDto, ListClaimsQuery } from './claims.dto';
import { readValidationSummary, type ValidationSummary } from './validation-summary';
import type { InformationRequest } from './information-request.entity';
import { InformationRequestsRepository } from './information-requests.repository';
import { InformationRequestView } from './claims.views';
import {
  ClaimCoreView,
  ClaimPage,
  ClosedClaimView,
  IntakeClaimView,
  IntakePhotoView,
  StaffClaimView,
  StaffPhotoView,
  type ClaimView,
} from './claims.views';
export { ClaimPage, IntakeClaimView, IntakePhotoView, StaffClaimView, StaffPhotoView, type ClaimView };

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

function core(claim: Claim, photoCount: number): ClaimCoreView {
  return {
    id: claim.id,
    policyId: claim.policyId,
    externalReference: claim.externalReference,
    claimedPeril: claim.claimedPeril,
    description: claim.description,
    incidentDate: claim.incidentDate,
    amount: claim.amount,
    currency: claim.currency,
    claimantRef: claim.claimantRef,
    photoSource: claim.photoSource,
    status: claim.status,
    photoCount,
    submittedAt: claim.submittedAt ? claim.submittedAt.toISOString() : null,
    createdAt: claim.createdAt.toISOString(),
    updatedAt: claim.updatedAt.toISOString(),
  };
}

/** An information request as intake systems and staff see it (never the reviewer's decision note). */
export function toInformationRequestView(row: InformationRequest): InformationRequestView {
  return {
    id: row.id,
    status: row.status,
    reasonCode: row.reasonCode,
    message: row.message,
    dueAt: row.dueAt.toISOString(),
    requestedAt: row.requestedAt.toISOString(),
    answeredAt: row.answeredAt ? row.answeredAt.toISOString() : null,
    responseNote: row.responseNote,
    newPhotoIds: row.newPhotoIds ?? [],
  };
}

/** A photo as the intake system that sent it sees it (also the upload response). */
export function intakePhoto(photo: Photo): IntakePhotoView {
  return {
    id: photo.id,
    fileName: photo.fileName,
    mime: photo.mime,
    width: photo.width,
    height: photo.height,
    byteSize: photo.byteSize,
    sha256: photo.sha256,
    createdAt: photo.createdAt.toISOString(),
  };
}

function staffPhoto(photo: Photo): StaffPhotoView {
  return {
    ...intakePhoto(photo),
    perceptualHash: photo.perceptualHash,
    exif: {
      captureTime: photo.exif.captureTime ?? null,
      make: photo.exif.make ?? null,
      model: photo.exif.model ?? null,
      software: photo.exif.software ?? null,
      hasGps: photo.exif.hasGps === true,
    },
  };
}

/** The per-role response mapping, explicit: intake systems get `IntakeClaimView`, staff `StaffClaimView`. */
export function toClaimView(
  actor: Actor,
  claim: Claim,
  photos: Photo[],
  validation: ValidationSummary | null = null,
  informationRequest: InformationRequest | null = null,
): ClaimView {
  const request = informationRequest ? toInformationRequestView(informationRequest) : null;
  if (actor.kind === 'api_client')
    return { ...core(claim, photos.length), photos: photos.map(intakePhoto), informationRequest: request };
  return {
    ...core(claim, photos.length),
    informationRequest: request,
    team: claim.team,
    submitterClientId: claim.submitterClientId,
    legalHold: claim.legalHold,
    decidedAt: claim.decidedAt ? claim.decidedAt.toISOString() : null,
    photos: photos.map(staffPhoto),
    validation,
  };
}

/** Claim intake and lifecycle: idempotent creation, reads scoped by the abilities, submission. */
@Injectable()
export class ClaimsService {
  constructor(
    private readonly transactions: TransactionRunner,
    private readonly claims: ClaimsRepository,
    private readonly audit: AuditService,
    private readonly access: AccessService,
    private readonly policies: PoliciesService,
    private readonly events: ClaimEvents,
    private readonly clock: Clock,
    private readonly jobs: JobQueueService,
    private readonly requests: InformationRequestsRepository,
  ) {}

  /**
   * Creates a claim once per (intake client, Idempotency-Key). Race-safe: the insert is
   * `ON CONFLICT DO NOTHING` against the unique index, so of concurrent identical requests exactly one
   * inserts and the others read its row; a replay with a different body (request hash) is a 409.
   */
  async create(
    context: AuditContext,
    actor: Actor,
    ability: AppAbility,
    idempotencyKey: string | undefined,
    input: CreateClaimDto,
  ): Promise<{ claim: ClaimView; created: boolean }> {
    if (actor.kind !== 'api_client') throw new BadRequestException('claims are created by intake systems');
    const key = idempotencyKey?.trim();
    if (!key) throw new BadRequestException('the Idempotency-Key header is required');
    if (!IDEMPOTENCY_KEY.test(key))
      throw new BadRequestException('Idempotency-Key must be 1 to 200 printable ASCII characters without spaces');
    const requestHash = createHash('sha256')
      .update(canonicalJson({ policyId: input.policyId.toLowerCase(), ...claimFields(input) }))
      .digest('hex');

    // A replay is found by the insert itself (ON CONFLICT DO NOTHING on the client's key) rather than by a
    // lookup before it: the first call of a key — nearly every call — saves that round trip.
    if (Number.isNaN(Date.parse(`${input.incidentDate}T00:00:00Z`)))
      throw new BadRequestException('incidentDate is not a valid date');
    const policy = await this.policies.load(input.policyId);
    if (!policy || !ability.can('read', subject('Policy', policy))) throw new NotFoundException('Policy not found');

    const insertedId = await this.audit.run(context, async (tx) => {
      const id = await this.claims.insertIfAbsent(tx.manager, {
        policyId: policy.id,
        submitterClientId: actor.id,
        ...claimFields(input),
        status: 'draft',
        team: actor.team,
        idempotencyKey: key,
        requestHash,
      });
      if (!id) return null; // a claim with this key exists (a replay, or a concurrent request won): nothing changed here
      tx.record({
        action: 'claim.created',
        resourceType: 'Claim',
        resourceId: id,
        details: {
          policyId: policy.id,
          claimedPeril: input.claimedPeril,
          photoSource: input.photoSource,
          team: actor.team,
        },
      });
      return id;
    });
    if (insertedId === null) {
      const existing = await this.claims.findByIdempotencyKey(actor.id, key);
      if (!existing)
        throw new ConflictException('a concurrent request with this Idempotency-Key did not complete; retry');
      return { claim: await this.replayed(actor, existing, requestHash), created: false };
    }
    const claim = await this.claims.findByIdOrFail(insertedId);
    return { claim: toClaimView(actor, claim, []), created: true };
  }

  async getFor(actor: Actor, ability: AppAbility, id: string): Promise<ClaimView> {
    const claim = await this.loadFor(ability, 'read', id);
    const validation = actor.kind === 'user' ? await readValidationSummary(this.transactions.manager, claim.id) : null;
    const request = (await this.requests.latestOfClaims([claim.id])).get(claim.id) ?? null;
    return toClaimView(actor, claim, await this.photosOf(claim.id), validation, request);
  }

  /** Loads a claim and checks `action` on it: 404 when it does not exist or the caller may not touch it. */
  async loadFor(ability: AppAbility, action: 'read' | 'update', id: string, tx?: Tx, lock = false): Promise<Claim> {
    const claim = isUuid(id) ? await this.claims.findById(id, tx, lock) : null;
    if (!claim) throw new NotFoundException('Claim not found');
    this.access.assertCan(ability, action, subject('Claim', claim));
    return claim;
  }

  /** One page of the claims the caller may list, filtered in SQL by the abilities. */
  async list(actor: Actor, ability: AppAbility, query: ListClaimsQuery): Promise<ClaimPage> {
    const page = query.page ?? 1;
    const pageSize = query.pageSize ?? 20;
    if (query.check && actor.kind === 'api_client')
      throw new BadRequestException('check filters by scoring flags, which intake systems do not see');
    const day = (value: string | undefined, name: string, offsetDays = 0): Date | undefined => {
      if (value === undefined) return undefined;
      const date = new Date(`${value}T00:00:00Z`);
      if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value)
        throw new BadRequestException(`${name} must be a real date YYYY-MM-DD`);
      return new Date(date.getTime() + offsetDays * 86_400_000);
    };
    const createdFrom = day(query.createdFrom, 'createdFrom');
    const createdBefore = day(query.createdTo, 'createdTo', 1);
    if (createdFrom && createdBefore && createdFrom >= createdBefore)
      throw new BadRequestException('createdFrom must not be after createdTo');
    const where = this.access.where(ability, 'Claim', { alias: 'claim' });
    if (where.none) return { items: [], page, pageSize, total: 0 };
    const [claims, total] = await this.claims.listPage(
      where,
      {
        status: query.status,
        q: query.q,
        peril: query.peril,
        team: query.team,
        lineOfBusiness: query.lineOfBusiness,
        createdFrom,
        createdBefore,
        check: query.check,
      },
      page,
      pageSize,
    );
    const ids = claims.map((claim) => claim.id);
    const photos = await findPhotosOfClaims(this.transactions.manager, ids);
    const requests = await this.requests.latestOfClaims(ids);
    const policies =
      actor.kind === 'api_client'
        ? new Map<string, { number: string; lineOfBusiness: string }>()
        : await this.claims.policySummaries(claims.map((claim) => claim.policyId));
    return {
      items: claims.map((claim) => {
        const view = toClaimView(
          actor,
          claim,
          photos.filter((photo) => photo.claimId === claim.id),
          null,
          requests.get(claim.id) ?? null,
        );
        const policy = policies.get(claim.policyId);
        return policy ? { ...view, policyNumber: policy.number, lineOfBusiness: policy.lineOfBusiness } : view;
      }),
      page,
      pageSize,
      total,
    };
  }

  /**
   * draft → queued, in one audited transaction that holds the claim's row lock (so no photo upload
   * can slip in between the check and the change); afterwards the ClaimSubmitted listeners run
   * (the validation module enqueues its validate-claim job there). A submitted claim is frozen.
   *
   * While the job queue (Redis) does not answer, submit is refused with 503 before anything changes:
   * the claim stays a draft and the intake system retries. If Redis goes away between this check and
   * the enqueue, the claim is already `queued` and is re-enqueued when a worker gets Redis back.
   */
  async submit(
    context: AuditContext,
    ability: AppAbility,
    id: string,
  ): Promise<{ id: string; status: ClaimStatus; submittedAt: string }> {
    await this.jobs.assertAvailable(JobName.ValidateClaim);
    const event = await this.audit.run(context, async (tx) => {
      const claim = await this.loadFor(ability, 'update', id, tx.manager, true);
      if (claim.status !== 'draft')
        throw new ConflictException(`claim ${claim.id} is already submitted (status ${claim.status})`);
      const photoCount = await countPhotosOfClaim(tx.manager, claim.id);
      if (photoCount === 0)
        throw new UnprocessableEntityException(
          `claim ${claim.id} has no photos; upload at least one before submitting`,
        );
      const submittedAt = this.clock.now();
      await this.claims.transitionStatus(tx.manager, claim.id, 'draft', 'queued', submittedAt);
      tx.record({
        action: 'claim.submitted',
        resourceType: 'Claim',
        resourceId: claim.id,
        details: { photoCount, from: 'draft', to: 'queued' },
      });
      return { claimId: claim.id, team: claim.team, photoCount, submittedAt };
    });
    await this.events.emitSubmitted(event);
    return { id: event.claimId, status: 'queued', submittedAt: event.submittedAt.toISOString() };
  }

  /**
   * The intake system's record of the claim is closed (paid, or final correspondence sent): decided → closed, audited
   * as `claim.closed`. Retention's `claim_closed` trigger counts from `closed_at` from then on (until then from the
   * decision). Only the submitting intake system closes (it owns the claim's outcome outside this service).
   */
  async close(context: AuditContext, ability: AppAbility, id: string): Promise<ClosedClaimView> {
    return this.audit.run(context, async (tx) => {
      const claim = await this.loadFor(ability, 'update', id, tx.manager, true);
      if (claim.status !== 'decided')
        throw new ConflictException(`claim ${claim.id} can be closed only once decided (status ${claim.status})`);
      const closedAt = this.clock.now();
      await this.claims.transitionStatus(tx.manager, claim.id, 'decided', 'closed', closedAt);
      tx.record({
        action: 'claim.closed',
        resourceType: 'Claim',
        resourceId: claim.id,
        details: { from: 'decided', to: 'closed' },
      });
      return { id: claim.id, status: 'closed', closedAt: closedAt.toISOString() };
    });
  }

  private async photosOf(claimId: string): Promise<Photo[]> {
    return findPhotosOfClaims(this.transactions.manager, [claimId]);
  }

  private async replayed(actor: Actor, claim: Claim, requestHash: string): Promise<ClaimView> {
    if (claim.requestHash !== requestHash) {
      throw new ConflictException('this Idempotency-Key was already used with a different request body');
    }
    return toClaimView(actor, claim, await this.photosOf(claim.id));
  }
}

/**
 * The claim's own fields as the intake system sent them, amount normalised: what is stored, and (with
 * the policy id) what the Idempotency-Key's request hash covers, so a replay must repeat them all.
 */
function claimFields(input: CreateClaimDto) {
  return {
    externalReference: input.externalReference,
    claimedPeril: input.claimedPeril,
    description: input.description,
    incidentDate: input.incidentDate,
    amount: normaliseAmount(input.amount),
    currency: input.currency,
    claimantRef: input.claimantRef ?? null,
    photoSource: input.photoSource,
  };
}

/** "1250" and "1250.00" are the same amount (and hash the same). */
function normaliseAmount(amount: string): string {
  const [whole, fraction = ''] = amount.split('.');
  return `${BigInt(whole).toString()}.${fraction.padEnd(2, '0')}`;
}
