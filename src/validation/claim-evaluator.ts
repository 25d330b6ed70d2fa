import { Injectable } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { ClaimsRepository } from '../claims/claims.repository';
import { EvidenceVault } from '../evidence/evidence-vault';
import { PhotosRepository } from '../claims/photos.repository';
import { PoliciesRepository } from '../policies/policies.repository';
import { scoreLabels, type LabelScore } from '../scoring/scoring-math';
import { ScoringService } from '../scoring/scoring.service';
import type { CheckResult } from './checks/check-result';
import { checkDuplicates, type PhotoFingerprint } from './checks/duplicate-check';
import { checkExif } from './checks/exif-check';
import { judgeImageQuality, measureImageQuality, type ImageQualityMeasures } from './checks/image-quality';
import { runModelChecks, type PhotoZeroShot } from './checks/model-checks';
import { decideOutcome, type ClaimOutcome } from './decision-policy';
import type { ThresholdSet } from './default-thresholds';
import { buildPromptSet, insuredObjectClass, perilKey, type PromptSet } from './prompt-sets';
import { ThresholdsService } from './thresholds.service';

export interface PhotoEvaluation {
  photoId: string;
  embedding: Float32Array;
  quality: ImageQualityMeasures;
  usable: boolean;
  damage: LabelScore[];
  objects: LabelScore[];
}

export interface ClaimEvaluation {
  claimId: string;
  model: { id: string; hash: string; provider: string };
  promptSet: PromptSet;
  thresholds: ThresholdSet;
  /** The calibration in force (null in safe mode: nothing auto-cleared). */
  calibration: { version: number; source: string } | null;
  safeMode: boolean;
  insuredObject: string | null;
  photos: PhotoEvaluation[];
  checks: CheckResult[];
  outcome: ClaimOutcome;
  durationMs: number;
}

function asRecord(scores: LabelScore[]): Record<string, number> {
  return Object.fromEntries(scores.map((score) => [score.label, score.probability]));
}

function toFloat32(values: number[] | null): Float32Array | null {
  return values ? Float32Array.from(values) : null;
}

/**
 * Everything that decides a claim, computed without writing anything: so the same function scores a
 * claim for the first time and re-derives a decided one for an auditor. Same photos, model and
 * prompts give the same numbers.
 */
@Injectable()
export class ClaimEvaluator {
  constructor(
    private readonly claims: ClaimsRepository,
    private readonly policies: PoliciesRepository,
    private readonly photoRows: PhotosRepository,
    private readonly scoring: ScoringService,
    private readonly vault: EvidenceVault,
    private readonly thresholdsService: ThresholdsService,
  ) {}

  /**
   * `asOf` fixes which other claims' photos count for duplicates: those stored by then. Scoring uses
   * now; re-deriving a past result uses the time of the run it re-derives.
   */
  async evaluate(claimId: string, options: { asOf?: Date } = {}): Promise<ClaimEvaluation> {
    const started = performance.now();
    const claim = await this.claims.findByIdOrFail(claimId);
    const policy = await this.policies.findWithClauses(claim.policyId);
    if (!policy) throw new Error(`policy ${claim.policyId} of claim ${claimId} not found`);
    const photos = (await this.photoRows.allOfClaim(claimId)).filter(
      (photo) => !photo.shreddedAt && photo.wrappedDataKey,
    );
    const model = await this.scoring.model();
    const resolved = await this.thresholdsService.resolve(policy.lineOfBusiness, model.hash);
    const thresholds = resolved.thresholds;
    const insuredObject = insuredObjectClass(policy.lineOfBusiness, policy.insuredObject);
    const promptSet = buildPromptSet(
      policy.lineOfBusiness,
      insuredObject,
      policy.clauses.map((clause) => ({ perilKey: clause.perilKey, prompts: clause.prompts ?? [] })),
    );
    const [damageLabels, objectLabels] = await Promise.all([
      this.scoring.labelEmbeddings(promptSet.damage.map((entry) => ({ label: entry.key, prompts: entry.prompts }))),
      this.scoring.labelEmbeddings(promptSet.objects.map((entry) => ({ label: entry.key, prompts: entry.prompts }))),
    ]);

    const qualityChecks: CheckResult[] = [];
    const exifChecks: CheckResult[] = [];
    // All photos of the claim go to the micro-batcher together, so they share inference batches.
    const evaluated = await Promise.all(
      photos.map(async (photo): Promise<PhotoEvaluation> => {
        const image = await this.vault.read(photo, 'original');
        // A photo already embedded by this model (scored before, e.g. a claim rescored after an information
        // request) keeps its stored embedding: the same bytes and model give the same vector, so only new photos
        // go through the image encoder. Quality and EXIF checks are cheap and run over every photo again.
        const stored = photo.embeddingModelHash === model.hash ? toFloat32(photo.embedding) : null;
        const [embedding, quality] = await Promise.all([
          stored ?? this.scoring.embedPhoto(image),
          measureImageQuality(image),
        ]);
        const qualityCheck = judgeImageQuality(photo.id, quality);
        qualityChecks.push(qualityCheck);
        exifChecks.push(
          checkExif({
            photoId: photo.id,
            exif: photo.exif,
            photoSource: claim.photoSource,
            policyStart: policy.effectiveFrom,
            policyEnd: policy.effectiveTo,
            incidentDate: claim.incidentDate,
            filedAt: claim.submittedAt ?? claim.createdAt,
          }),
        );
        return {
          photoId: photo.id,
          embedding,
          quality,
          usable: !qualityCheck.flagged,
          damage: scoreLabels(embedding, damageLabels, model.manifest.logitScale),
          objects: scoreLabels(embedding, objectLabels, model.manifest.logitScale),
        };
      }),
    );
    const byPhotoOrder = (a: { photoId: string | null }, b: { photoId: string | null }) =>
      photos.findIndex((photo) => photo.id === a.photoId) - photos.findIndex((photo) => photo.id === b.photoId);

    const usable: PhotoZeroShot[] = evaluated
      .filter((photo) => photo.usable)
      .map((photo) => ({ photoId: photo.photoId, damage: asRecord(photo.damage), objects: asRecord(photo.objects) }));
    const modelChecks =
      usable.length === 0
        ? []
        : runModelChecks({
            photos: usable,
            claimedPeril: perilKey(claim.claimedPeril),
            coveragePerils: policy.clauses
              .filter((clause) => clause.kind === 'coverage')
              .map((clause) => perilKey(clause.perilKey)),
            exclusionPerils: policy.clauses
              .filter((clause) => clause.kind === 'exclusion')
              .map((clause) => perilKey(clause.perilKey)),
            insuredObject,
            thresholds,
            policy: {
              number: policy.number,
              clauses: policy.clauses.map((clause) => ({
                code: clause.code,
                kind: clause.kind,
                perilKey: perilKey(clause.perilKey),
                text: clause.text,
              })),
            },
          });

    const candidates = await this.duplicateCandidates(claim.id, model.hash, options.asOf ?? new Date());
    const duplicateChecks = checkDuplicates(
      evaluated.map((photo) => {
        const row = photos.find((candidate) => candidate.id === photo.photoId)!;
        return {
          photoId: row.id,
          claimId: claim.id,
          sha256: row.sha256,
          perceptualHash: row.perceptualHash,
          cropHashes: row.cropHashes,
          embedding: photo.embedding,
        };
      }),
      candidates,
      thresholds.duplicate_photo,
    );

    const checks = [
      ...modelChecks,
      ...duplicateChecks.sort(byPhotoOrder),
      ...exifChecks.sort(byPhotoOrder),
      ...qualityChecks.sort(byPhotoOrder),
    ];
    return {
      claimId: claim.id,
      model: { id: model.manifest.name, hash: model.hash, provider: model.provider },
      promptSet,
      thresholds,
      calibration: resolved.calibration
        ? { version: resolved.calibration.version, source: resolved.calibration.source }
        : null,
      safeMode: resolved.safeMode,
      insuredObject,
      photos: evaluated.sort(byPhotoOrder),
      checks,
      outcome: decideOutcome(checks, { safeMode: resolved.safeMode }),
      durationMs: Math.round(performance.now() - started),
    };
  }

  /** Photos of other claims: exact and perceptual hashes always, embeddings when made by this model. */
  private async duplicateCandidates(claimId: string, modelHash: string, asOf: Date): Promise<PhotoFingerprint[]> {
    // A linear scan of hashes: fine to tens of thousands of photos; beyond that an index (BK-tree or
    // pgvector for embeddings) belongs here.
    const rows = await this.photoRows.duplicateCandidates(claimId, modelHash, asOf);
    return rows.map((row) => ({
      photoId: row.id,
      claimId: row.claim_id,
      sha256: row.sha256,
      perceptualHash: row.perceptual_hash,
      cropHashes: row.crop_hashes ?? [],
      embedding: toFloat32(row.embedding),
    }));
  }
}
