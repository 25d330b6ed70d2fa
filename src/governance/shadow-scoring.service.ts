import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { Job } from 'bull';
import { performance } from 'node:perf_hooks';
import { systemContext } from '../audit/audit-context';
import { AuditService } from '../audit/audit.service';
import { ClaimsRepository } from '../claims/claims.repository';
import { PhotosRepository } from '../claims/photos.repository';
import { EvidenceVault } from '../evidence/evidence-vault';
import { JobHandler } from '../jobs/job-handler.decorator';
import { JobName, JobStatus, type ShadowScoreData } from '../jobs/job-registry';
import { JobQueueService } from '../jobs/job-queue.service';
import { PoliciesRepository } from '../policies/policies.repository';
import type { CheckResult } from '../validation/checks/check-result';
import { runModelChecks } from '../validation/checks/model-checks';
import { ChecksRepository } from '../validation/checks.repository';
import { ClaimScoredEvents } from '../validation/claim-scored-events';
import { decideOutcome } from '../validation/decision-policy';
import type { ThresholdSet } from '../validation/default-thresholds';
import { perilKey, type PromptSet } from '../validation/prompt-sets';
import { GovernanceRepository, type ShadowCheck } from './governance.repository';
import { MODEL_CHECK_KINDS } from './labelled-set';
import { zeroShot } from './model-evaluation';
import { ShadowModel } from './shadow-model';

interface StoredRunScores {
  insuredObject: string | null;
  promptSet: PromptSet;
  photos: Record<string, { usable: boolean }>;
}

/**
 * Shadow scoring: after a claim's route committed (ClaimScoredEvents), a job scores the same usable photos
 * with the challenger model, runs the model checks with the same prompts and thresholds the champion's run
 * used, and derives the outcome the challenger would have given (its model checks plus the champion's
 * model-independent checks: duplicates, EXIF, image quality). It writes only shadow_scores: nothing it does
 * can reach the claim, its checks or its review task.
 */
@Injectable()
export class ShadowScoringService implements OnModuleInit {
  private readonly logger = new Logger('ShadowScoring');

  constructor(
    private readonly shadow: ShadowModel,
    private readonly scoredEvents: ClaimScoredEvents,
    private readonly jobs: JobQueueService,
    private readonly audit: AuditService,
    private readonly checks: ChecksRepository,
    private readonly claims: ClaimsRepository,
    private readonly policies: PoliciesRepository,
    private readonly photoRows: PhotosRepository,
    private readonly vault: EvidenceVault,
    private readonly governance: GovernanceRepository,
  ) {}

  onModuleInit(): void {
    if (!this.shadow.configured) return;
    this.scoredEvents.onScored(async ({ claimId }) => {
      const run = await this.checks.findLatestRun(claimId);
      if (!run) return;
      await this.jobs.enqueue(JobName.ShadowScore, { claimId }, { jobId: `shadow-score:${run.id}` });
    });
  }

  @JobHandler(JobName.ShadowScore)
  async handle(job: Job<ShadowScoreData>): Promise<JobStatus> {
    if (!this.shadow.configured) return JobStatus.Skipped;
    return (await this.score(job.data.claimId, job.id)) ? JobStatus.Success : JobStatus.Skipped;
  }

  /** Scores the claim's latest run with the challenger; false when there is nothing to score. */
  async score(claimId: string, jobId?: string | number): Promise<boolean> {
    const started = performance.now();
    const run = await this.checks.findLatestRun(claimId);
    if (!run) return false;
    const { model, prompts } = await this.shadow.get();
    const stored = run.scores as unknown as StoredRunScores;
    if (!stored?.promptSet) return false; // scores redacted by retention
    const claim = await this.claims.findByIdOrFail(claimId);
    const policy = await this.policies.findWithClauses(claim.policyId);
    if (!policy) return false;
    const photos = (await this.photoRows.allOfClaim(claimId)).filter(
      (photo) => !photo.shreddedAt && photo.wrappedDataKey && stored.photos[photo.id]?.usable,
    );
    const championChecks = await this.checks.checksOfRun(run.id);
    const [damage, objects] = await Promise.all([
      prompts.of(stored.promptSet.damage),
      prompts.of(stored.promptSet.objects),
    ]);
    const images = await Promise.all(photos.map((photo) => this.vault.read(photo, 'original')));
    const embeddings = await model.embedImages(images);
    const modelChecks: CheckResult[] =
      photos.length === 0
        ? []
        : runModelChecks({
            photos: photos.map((photo, index) =>
              zeroShot(photo.id, embeddings[index], damage, objects, model.manifest.logitScale),
            ),
            claimedPeril: perilKey(claim.claimedPeril),
            coveragePerils: policy.clauses.filter((c) => c.kind === 'coverage').map((c) => perilKey(c.perilKey)),
            exclusionPerils: policy.clauses.filter((c) => c.kind === 'exclusion').map((c) => perilKey(c.perilKey)),
            insuredObject: stored.insuredObject,
            thresholds: run.thresholds as unknown as ThresholdSet,
          });
    const modelKinds = new Set<string>(MODEL_CHECK_KINDS);
    const others = championChecks.filter((check) => !modelKinds.has(check.kind));
    const outcome = decideOutcome([...modelChecks, ...others.map((check) => ({ ...check, evidence: {} }))]);
    const shadowChecks: ShadowCheck[] = modelChecks.map((check) => ({
      kind: check.kind,
      photoId: check.photoId,
      score: check.score,
      flagged: check.flagged,
      uncertain: check.uncertain,
    }));
    await this.audit.run(systemContext(JobName.ShadowScore, jobId), async (tx) => {
      await this.governance.insertShadowScore(tx.manager, {
        claim_id: claimId,
        scoring_run_id: run.id,
        model_id: model.manifest.name,
        model_hash: model.hash,
        champion_model_hash: run.modelHash,
        checks: shadowChecks,
        outcome,
        champion_outcome: run.outcome ?? 'unknown',
        duration_ms: Math.round(performance.now() - started),
      });
      tx.record({
        action: 'shadow.scored',
        resourceType: 'ScoringRun',
        resourceId: run.id,
        details: {
          claimId,
          modelId: model.manifest.name,
          modelHash: model.hash,
          outcome,
          championOutcome: run.outcome,
        },
      });
    });
    this.logger.log({ claimId, outcome, championOutcome: run.outcome }, 'claim shadow-scored');
    return true;
  }
}
