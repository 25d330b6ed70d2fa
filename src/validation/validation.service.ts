import { Inject, Injectable, Logger, NotFoundException, type OnModuleInit } from '@nestjs/common';
import { subject } from '@casl/ability';
import type { Job } from 'bull';
import { systemContext } from '../audit/audit-context';
import { AuditService, type AuditedTransaction } from '../audit/audit.service';
import type { AppAbility } from '../common/access.decorators';
import { AccessService } from '../auth/access.service';
import { ClaimEvents } from '../claims/claim-events';
import { ClaimsRepository } from '../claims/claims.repository';
import { Clock } from '../common/clock';
import { WebhookOutbox } from '../webhooks/webhook-outbox';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { JobHandler } from '../jobs/job-handler.decorator';
import { JobName, JobStatus, type ValidateClaimData } from '../jobs/job-registry';
import { JobQueueService } from '../jobs/job-queue.service';
import { ReviewService } from '../review/review.service';
import { PoliciesRepository } from '../policies/policies.repository';
import { explainCheck } from './check-explanation';
import type { PromptSet } from './prompt-sets';
import type { ReviewReason } from '../review/review-task.entity';
import { PhotosRepository } from '../claims/photos.repository';
import { ChecksRepository } from './checks.repository';
import { ClaimScoredEvents } from './claim-scored-events';
import { ClaimEvaluator, type ClaimEvaluation } from './claim-evaluator';
import { reviewPriority, reviewReasonFor, slaDueAt } from './decision-policy';

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

/** The per-photo numbers of a run, as stored: enough to replay the decision. */
export function runScores(evaluation: ClaimEvaluation): Record<string, unknown> {
  return {
    insuredObject: evaluation.insuredObject,
    promptSet: evaluation.promptSet,
    photos: Object.fromEntries(
      evaluation.photos.map((photo) => [
        photo.photoId,
        {
          usable: photo.usable,
          quality: {
            ...photo.quality,
            brightness: round(photo.quality.brightness),
            sharpness: round(photo.quality.sharpness),
          },
          damage: Object.fromEntries(
            photo.damage.map((score) => [
              score.label,
              { cosine: round(score.cosine), probability: round(score.probability) },
            ]),
          ),
          objects: Object.fromEntries(
            photo.objects.map((score) => [
              score.label,
              { cosine: round(score.cosine), probability: round(score.probability) },
            ]),
          ),
        },
      ]),
    ),
  };
}

/**
 * Scores a submitted claim: queued → scoring → consistent | inconsistent | needs_review, with its
 * scoring run, checks, photo embeddings, review task and audit events written in one transaction.
 * Idempotent: a claim that is no longer queued or scoring is skipped, so a retried or duplicated job
 * changes nothing the second time.
 */
@Injectable()
export class ValidationService implements OnModuleInit {
  private readonly logger = new Logger('Validation');

  constructor(
    private readonly audit: AuditService,
    private readonly claims: ClaimsRepository,
    private readonly checks: ChecksRepository,
    private readonly photos: PhotosRepository,
    private readonly evaluator: ClaimEvaluator,
    private readonly review: ReviewService,
    private readonly jobs: JobQueueService,
    private readonly claimEvents: ClaimEvents,
    private readonly access: AccessService,
    private readonly clock: Clock,
    private readonly webhooks: WebhookOutbox,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly policies: PoliciesRepository,
    private readonly scoredEvents: ClaimScoredEvents,
  ) {}

  onModuleInit(): void {
    this.claimEvents.onSubmitted(async (event) => {
      await this.enqueue(event.claimId);
    });
  }

  async enqueue(claimId: string): Promise<void> {
    await this.jobs.enqueue(
      JobName.ValidateClaim,
      { claimId },
      {
        jobId: `validate-claim:${claimId}`,
      },
    );
  }

  @JobHandler(JobName.ValidateClaim)
  async handle(job: Job<ValidateClaimData>): Promise<JobStatus> {
    const { claimId } = job.data;
    const context = systemContext(JobName.ValidateClaim, job.id);
    const started = await this.audit.run(context, async (tx) => {
      const status = await this.claims.lockStatus(tx.manager, claimId);
      if (!status || (status !== 'queued' && status !== 'scoring')) return false;
      if (status === 'queued') {
        await this.claims.transitionStatus(tx.manager, claimId, 'queued', 'scoring');
        tx.record({
          action: 'claim.status_changed',
          resourceType: 'Claim',
          resourceId: claimId,
          details: { from: 'queued', to: 'scoring' },
        });
      }
      return true;
    });
    if (!started) return JobStatus.Skipped;

    const evaluation = await this.evaluator.evaluate(claimId);
    const stored = await this.audit.run(context, async (tx) => this.store(tx, evaluation));
    this.logger.log(
      {
        claimId,
        outcome: evaluation.outcome,
        flags: evaluation.checks.filter((check) => check.flagged).map((check) => check.kind),
        ms: evaluation.durationMs,
      },
      'claim scored',
    );
    // Observers (a shadow model) learn of the run only after its route committed: they cannot change it.
    if (stored) await this.scoredEvents.emitScored({ claimId });
    return stored ? JobStatus.Success : JobStatus.Skipped;
  }

  private async store(tx: AuditedTransaction, evaluation: ClaimEvaluation): Promise<boolean> {
    // A task waiting for this claim's information is locked before the claim, in the order a decision locks them
    // (task, then claim), so a reviewer deciding the waiting task at the same moment cannot deadlock with this.
    const waiting = await this.review.waitingTaskOf(tx, evaluation.claimId);
    const claim = await this.claims.lockForScoring(tx.manager, evaluation.claimId);
    if (!claim || claim.status !== 'scoring') return false;
    const run = await this.checks.insertRun(tx.manager, {
      claimId: evaluation.claimId,
      modelId: evaluation.model.id,
      modelHash: evaluation.model.hash,
      promptSetVersion: evaluation.promptSet.version,
      thresholds: evaluation.thresholds,
      scores: runScores(evaluation),
      provider: evaluation.model.provider,
      durationMs: evaluation.durationMs,
      outcome: evaluation.outcome,
    });
    await this.checks.insertChecks(
      tx.manager,
      evaluation.checks.map((check) => ({ ...check, claimId: evaluation.claimId, scoringRunId: run.id })),
    );
    for (const photo of evaluation.photos)
      await this.photos.storeEmbedding(tx.manager, photo.photoId, photo.embedding, evaluation.model.hash);
    await this.claims.transitionStatus(tx.manager, evaluation.claimId, 'scoring', evaluation.outcome);
    const flags = evaluation.checks
      .filter((check) => check.flagged)
      .map((check) => ({ kind: check.kind, photoId: check.photoId, score: check.score }));
    tx.record({
      action: 'scoring.run_completed',
      resourceType: 'ScoringRun',
      resourceId: run.id,
      details: {
        claimId: evaluation.claimId,
        modelId: evaluation.model.id,
        modelHash: evaluation.model.hash,
        provider: evaluation.model.provider,
        promptSetVersion: evaluation.promptSet.version,
        thresholds: evaluation.thresholds,
        calibration: evaluation.calibration,
        safeMode: evaluation.safeMode,
        outcome: evaluation.outcome,
        flags,
      },
    });
    tx.record({
      action: 'claim.status_changed',
      resourceType: 'Claim',
      resourceId: evaluation.claimId,
      details: { from: 'scoring', to: evaluation.outcome },
    });
    await this.webhooks.emit(tx, evaluation.claimId, 'claim.scored', { status: evaluation.outcome });

    const now = this.clock.now();
    const filed = claim.submitted_at ?? claim.created_at;
    const routing = (reason: ReviewReason) => ({
      priority: reviewPriority({
        reason,
        checks: evaluation.checks,
        amount: Number(claim.amount),
        ageHours: (now.getTime() - new Date(filed).getTime()) / 3_600_000,
      }),
      slaDueAt: slaDueAt(reason, now, this.config.review.slaHours),
    });
    // Rescored after an information request: the task that waited comes back, whatever the outcome — the adjuster
    // asked for the information and decides with it (a consistent claim keeps the task's earlier reason).
    if (waiting) {
      const reason = reviewReasonFor(evaluation.outcome, evaluation.claimId, 0) ?? waiting.reason;
      await this.review.reopenWaitingTask(tx, {
        claimId: evaluation.claimId,
        followUp: 'information_received',
        reason,
        ...routing(reason),
      });
      return true;
    }
    const reason = reviewReasonFor(evaluation.outcome, evaluation.claimId, this.config.review.qaSampleRate);
    if (reason) {
      await this.review.openTask(tx, {
        claimId: evaluation.claimId,
        reason,
        ...routing(reason),
        team: claim.team,
      });
    }
    return true;
  }

  /**
   * Re-derives a claim's latest result, writing nothing (for audits and tests): the same photos, the
   * current model and prompts, and for duplicates only the photos that existed at that run.
   */
  async rederive(claimId: string): Promise<ClaimEvaluation> {
    const run = await this.checks.findLatestRun(claimId);
    return this.evaluator.evaluate(claimId, { asOf: run?.createdAt });
  }

  /** Staff view: the latest run with its checks; evidence naming another claim only when the caller may read it. */
  async view(ability: AppAbility, claimId: string) {
    const claim = await this.claims.findById(claimId);
    if (!claim) throw new NotFoundException('Claim not found');
    this.access.assertCan(ability, 'read', subject('Claim', claim));
    this.access.assertCan(ability, 'read', subject('ScoringRun', { claimId: claim.id, team: claim.team }));
    const run = await this.checks.findLatestRun(claimId);
    if (!run) return { claimId, status: claim.status, run: null, checks: [] };
    const checks = await this.checks.checksOfRun(run.id);
    const otherClaimIds = [
      ...new Set(
        checks.map((check) => check.evidence.otherClaimId).filter((id): id is string => typeof id === 'string'),
      ),
    ];
    const others = await this.claims.findByIds(otherClaimIds);
    const policy = await this.policies.findWithClauses(claim.policyId);
    const scores = run.scores as { promptSet?: PromptSet; photos?: Parameters<typeof explainCheck>[1]['photos'] };
    const explanationContext = {
      claimedPeril: claim.claimedPeril,
      clauses: policy?.clauses ?? [],
      promptSet: scores.promptSet,
      photos: scores.photos,
    };
    const visible = new Set(
      others.filter((other) => ability.can('read', subject('Claim', other))).map((other) => other.id),
    );
    return {
      claimId,
      status: claim.status,
      run: {
        id: run.id,
        modelId: run.modelId,
        modelHash: run.modelHash,
        provider: run.provider,
        promptSetVersion: run.promptSetVersion,
        thresholds: run.thresholds,
        outcome: run.outcome,
        durationMs: run.durationMs,
        createdAt: run.createdAt.toISOString(),
        scores: run.scores,
      },
      checks: checks.map((check) => ({
        id: check.id,
        kind: check.kind,
        photoId: check.photoId,
        score: check.score,
        confidence: check.confidence,
        flagged: check.flagged,
        uncertain: check.uncertain,
        severity: check.severity,
        reason: check.reason,
        evidence: redactOtherClaim(check.evidence, visible),
        ...explainCheck(check, explanationContext),
      })),
    };
  }
}

function redactOtherClaim(evidence: Record<string, unknown>, visible: Set<string>): Record<string, unknown> {
  const other = evidence.otherClaimId;
  if (typeof other !== 'string' || visible.has(other)) return evidence;
  const { otherClaimId: _claim, otherPhotoId: _photo, ...rest } = evidence;
  return { ...rest, otherClaim: 'not visible to you' };
}
