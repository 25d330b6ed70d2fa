import { BadRequestException, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { subject } from '@casl/ability';
import type { Job } from 'bull';
import type { AuditContext } from '../audit/audit-context';
import { systemContext } from '../audit/audit-context';
import { AuditService } from '../audit/audit.service';
import { AccessService } from '../auth/access.service';
import { ClaimsRepository } from '../claims/claims.repository';
import { PhotosRepository } from '../claims/photos.repository';
import type { AppAbility } from '../common/access.decorators';
import { isUuid } from '../common/uuid';
import { EvidenceVault } from '../evidence/evidence-vault';
import { JobHandler } from '../jobs/job-handler.decorator';
import { JobName, JobStatus, type OcclusionHeatmapData } from '../jobs/job-registry';
import { JobQueueService } from '../jobs/job-queue.service';
import { ReviewTasksRepository } from '../review/review-tasks.repository';
import { ModelRegistry } from '../scoring/model-registry.service';
import type { ClipModel } from '../scoring/model/clip-model';
import { ChecksRepository } from '../validation/checks.repository';
import type { PromptSet } from '../validation/prompt-sets';
import { GovernanceRepository, type HeatmapRow } from './governance.repository';
import { PromptEmbeddings } from './model-evaluation';
import { DEFAULT_OCCLUSION_GRID, occlusionHeatmap } from './occlusion-heatmap';

/** Which prompt class a flag is about: the label whose score the heatmap explains. */
export function heatmapTarget(
  kind: string,
  evidence: Record<string, unknown>,
): { set: 'damage' | 'objects'; label: string } | null {
  const text = (value: unknown) => (typeof value === 'string' && value ? value : null);
  switch (kind) {
    case 'peril_mismatch': {
      const label = text(evidence.bestAlternative);
      return label ? { set: 'damage', label } : null;
    }
    case 'exclusion_evident': {
      const label = text(evidence.excludedPeril);
      return label ? { set: 'damage', label } : null;
    }
    case 'object_mismatch': {
      const label = text(evidence.shownObject);
      return label ? { set: 'objects', label } : null;
    }
    case 'no_visible_damage':
      return { set: 'damage', label: 'none' };
    default:
      return null;
  }
}

export interface HeatmapView {
  id: string;
  claimId: string;
  checkId: string;
  photoId: string;
  status: 'pending' | 'done' | 'failed';
  targetLabel: string;
  grid: number;
  modelHash: string;
  /** grid × grid, row-major over the model's centre crop: how much the label's probability rises over the blurred photo when only the cell's content is shown (occlusion.ts). */
  drops: number[] | null;
  baseline: number | null;
  error: string | null;
  createdAt: string;
  completedAt: string | null;
}

function view(row: HeatmapRow): HeatmapView {
  return {
    id: row.id,
    claimId: row.claim_id,
    checkId: row.check_id,
    photoId: row.photo_id,
    status: row.status,
    targetLabel: row.target_label,
    grid: row.grid,
    modelHash: row.model_hash,
    drops: row.drops,
    baseline: row.baseline,
    error: row.error,
    createdAt: new Date(row.created_at).toISOString(),
    completedAt: row.completed_at ? new Date(row.completed_at).toISOString() : null,
  };
}

/**
 * Occlusion heatmaps of flagged photos, on demand: a request creates the row (or finds the cached one) and
 * queues `governance.occlusion-heatmap`; the worker computes it through the model that scored the check and
 * stores the grid. It shows where in the photo the model saw what it flagged, so asking for and reading one
 * needs the right to view the photo (`view_content` on Photo), and reading a finished one is audited.
 */
@Injectable()
export class HeatmapService {
  private readonly logger = new Logger('Heatmaps');
  private prompts: PromptEmbeddings | undefined;

  constructor(
    private readonly governance: GovernanceRepository,
    private readonly checks: ChecksRepository,
    private readonly claims: ClaimsRepository,
    private readonly photos: PhotosRepository,
    private readonly reviewTasks: ReviewTasksRepository,
    private readonly access: AccessService,
    private readonly audit: AuditService,
    private readonly jobs: JobQueueService,
    private readonly registry: ModelRegistry,
    private readonly vault: EvidenceVault,
  ) {}

  private async assertMayView(ability: AppAbility, claimId: string) {
    const claim = isUuid(claimId) ? await this.claims.findById(claimId) : null;
    if (!claim) throw new NotFoundException('Claim not found');
    this.access.assertCan(ability, 'read', subject('Claim', claim));
    const assigneeId = await this.reviewTasks.findOpenAssignee(claim.id);
    this.access.assertCan(
      ability,
      'view_content',
      subject('Photo', { claimId: claim.id, team: claim.team, assigneeId: assigneeId ?? null }),
    );
    return claim;
  }

  async request(
    context: AuditContext,
    ability: AppAbility,
    claimId: string,
    checkId: string,
    photoId?: string,
  ): Promise<HeatmapView> {
    const claim = await this.assertMayView(ability, claimId);
    const run = await this.checks.findLatestRun(claim.id);
    const check = run ? (await this.checks.checksOfRun(run.id)).find((row) => row.id === checkId) : undefined;
    if (!run || !check) throw new NotFoundException('Check not found');
    if (!check.flagged) throw new BadRequestException('only a flagged check has a heatmap');
    const target = heatmapTarget(check.kind, check.evidence);
    if (!target) throw new BadRequestException(`${check.kind} is not a model check: it has no heatmap`);
    const photo = photoId ?? check.photoId;
    if (!photo)
      throw new BadRequestException(`${check.kind} is about the whole claim: name one of its photos as photoId`);
    if (!isUuid(photo) || !(await this.photos.findOfClaim(claim.id, photo)))
      throw new NotFoundException('Photo not found');
    const { row, enqueue } = await this.audit.run(context, async (tx) => {
      const found = await this.governance.findOrCreateHeatmap(tx.manager, {
        claim_id: claim.id,
        check_id: check.id,
        photo_id: photo,
        model_hash: run.modelHash,
        target_label: `${target.set}:${target.label}`,
        grid: DEFAULT_OCCLUSION_GRID,
        requested_by: context.actorId ?? 'unknown',
      });
      const retry = !found.created && found.row.status === 'failed';
      if (retry) await this.governance.retryHeatmap(tx.manager, found.row.id);
      if (found.created || retry)
        tx.record({
          action: 'heatmap.requested',
          resourceType: 'Check',
          resourceId: check.id,
          details: { claimId: claim.id, photoId: photo, heatmapId: found.row.id, target: found.row.target_label },
        });
      return {
        row: retry ? { ...found.row, status: 'pending' as const, error: null } : found.row,
        enqueue: found.created || retry,
      };
    });
    if (enqueue)
      await this.jobs.enqueue(
        JobName.OcclusionHeatmap,
        { heatmapId: row.id },
        { jobId: `heatmap:${row.id}:${Date.now()}` },
      );
    return view(row);
  }

  /** A heatmap by id; reading a finished one is audited (it shows where in the photo the model looked). */
  async get(context: AuditContext, ability: AppAbility, heatmapId: string): Promise<HeatmapView> {
    const row = isUuid(heatmapId) ? await this.governance.findHeatmap(heatmapId) : null;
    if (!row) throw new NotFoundException('Heatmap not found');
    await this.assertMayView(ability, row.claim_id).catch(() => {
      throw new NotFoundException('Heatmap not found');
    });
    if (row.status === 'done')
      await this.audit.record(context, {
        action: 'heatmap.viewed',
        resourceType: 'Check',
        resourceId: row.check_id,
        details: { claimId: row.claim_id, photoId: row.photo_id, heatmapId: row.id },
      });
    return view(row);
  }

  @JobHandler(JobName.OcclusionHeatmap)
  async handle(job: Job<OcclusionHeatmapData>): Promise<JobStatus> {
    const row = await this.governance.findHeatmap(job.data.heatmapId);
    if (!row || row.status !== 'pending') return JobStatus.Skipped;
    let result: { drops: number[]; baseline: number } | { error: string };
    try {
      result = await this.compute(row);
    } catch (error) {
      result = { error: (error instanceof Error ? error.message : String(error)).split('\n')[0] };
      this.logger.warn({ heatmapId: row.id, error: result.error }, 'heatmap failed');
    }
    await this.audit.run(systemContext(JobName.OcclusionHeatmap, job.id), async (tx) => {
      await this.governance.completeHeatmap(tx.manager, row.id, result);
      tx.record({
        action: 'error' in result ? 'heatmap.failed' : 'heatmap.computed',
        resourceType: 'Check',
        resourceId: row.check_id,
        details: { claimId: row.claim_id, heatmapId: row.id, ...('error' in result ? { error: result.error } : {}) },
      });
    });
    return JobStatus.Success;
  }

  private async compute(row: HeatmapRow): Promise<{ drops: number[]; baseline: number }> {
    const model: ClipModel = await this.registry.get();
    if (model.hash !== row.model_hash)
      throw new Error(
        `the check was scored by model ${row.model_hash.slice(0, 12)}, this worker runs ${model.hash.slice(0, 12)}`,
      );
    const run = await this.checks.findLatestRun(row.claim_id);
    const promptSet = (run?.scores as { promptSet?: PromptSet } | undefined)?.promptSet;
    if (!promptSet) throw new Error('the scoring run holds no prompt set (scores purged)');
    const photo = await this.photos.findOfClaim(row.claim_id, row.photo_id);
    if (!photo || photo.shreddedAt || !photo.wrappedDataKey) throw new Error('the photo evidence is gone');
    const [set, label] = row.target_label.split(/:(.*)/s) as ['damage' | 'objects', string];
    if (this.prompts?.model !== model) this.prompts = new PromptEmbeddings(model);
    const labels = await this.prompts.of(set === 'objects' ? promptSet.objects : promptSet.damage);
    const heatmap = await occlusionHeatmap(model, await this.vault.read(photo, 'original'), labels, label, row.grid);
    const round = (value: number) => Math.round(value * 1e6) / 1e6;
    return { drops: heatmap.drops.map(round), baseline: round(heatmap.baseline) };
  }
}
