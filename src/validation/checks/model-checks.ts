import type { CheckKind, Severity } from '../check.entity';
import type { CheckResult } from './check-result';
import { routeScore } from './route-score';

/** Zero-shot probabilities of one usable photo over the damage classes and the object classes. */
export interface PhotoZeroShot {
  photoId: string;
  damage: Record<string, number>;
  objects: Record<string, number>;
}

export interface Threshold {
  /** Score at or above which the check flags the claim. */
  flagAt: number;
  /** Score at or above which (and below flagAt) the evidence is too close to call: review. */
  uncertainFrom: number;
}

export type ModelCheckKind = Extract<
  CheckKind,
  'peril_mismatch' | 'exclusion_evident' | 'object_mismatch' | 'no_visible_damage'
>;

export interface ModelCheckInput {
  photos: PhotoZeroShot[];
  claimedPeril: string;
  /** Peril keys the policy covers and excludes (from its clauses). */
  coveragePerils: string[];
  exclusionPerils: string[];
  /** The insured object's class, or null when the description names none the model knows. */
  insuredObject: string | null;
  thresholds: Record<ModelCheckKind, Threshold>;
  /**
   * The policy's number and clauses (peril keys resolved): with it, a claimed peril no coverage clause names is
   * a coverage fact ("Peril X is not covered by policy P: clause …"), flagged, not model uncertainty.
   */
  policy?: { number: string; clauses: ReadonlyArray<{ code: string; kind: string; perilKey: string; text: string }> };
}

/** A clause as check evidence names it. */
export interface ClauseRef {
  code: string;
  kind: string;
  text: string;
}

/**
 * The coverage fact of a claimed peril the policy does not cover, or null when it is covered (or the policy is
 * unknown, or names no coverage at all). An exclusion clause naming the peril is quoted; otherwise the coverage
 * clauses are listed.
 */
export function coverageFact(input: ModelCheckInput): { reason: string; clause: ClauseRef | null } | null {
  const policy = input.policy;
  if (!policy || input.coveragePerils.length === 0 || input.coveragePerils.includes(input.claimedPeril)) return null;
  const peril = input.claimedPeril.replaceAll('_', ' ');
  const exclusion = policy.clauses.find(
    (clause) => clause.kind === 'exclusion' && clause.perilKey === input.claimedPeril,
  );
  if (exclusion)
    return {
      reason: `Peril ${peril} is not covered by policy ${policy.number}: clause ${exclusion.code} excludes it ("${exclusion.text}").`,
      clause: { code: exclusion.code, kind: exclusion.kind, text: exclusion.text },
    };
  const covered = policy.clauses
    .filter((clause) => clause.kind === 'coverage')
    .map((clause) => `${clause.code} (${clause.perilKey.replaceAll('_', ' ')})`);
  return {
    reason: `Peril ${peril} is not covered by policy ${policy.number}: no coverage clause names it (coverage clauses: ${covered.join(', ')}).`,
    clause: null,
  };
}

const NONE = 'none';

function argmax(
  record: Record<string, number>,
  exclude: (key: string) => boolean,
): { key: string | null; value: number } {
  let best: { key: string | null; value: number } = { key: null, value: 0 };
  for (const [key, value] of Object.entries(record)) if (!exclude(key) && value > best.value) best = { key, value };
  return best;
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

function result(
  kind: ModelCheckKind,
  score: number,
  threshold: Threshold,
  severity: Severity,
  photoId: string | null,
  reasons: { flagged: string; uncertain: string; clear: string },
  evidence: Record<string, unknown>,
): CheckResult {
  // The same rule (on the stored, rounded score) that replays stored runs under other thresholds.
  const { flagged, uncertain } = routeScore(score, threshold);
  // Distance from the decision boundary, relative to the band: 1 = far from it either way.
  const band = Math.max(1e-6, threshold.flagAt - threshold.uncertainFrom);
  const confidence = Math.min(1, Math.abs(score - threshold.flagAt) / band);
  return {
    kind,
    photoId,
    score: round(Math.max(0, Math.min(1, score))),
    confidence: round(confidence),
    flagged,
    uncertain,
    severity: flagged ? severity : 'info',
    reason: flagged ? reasons.flagged : uncertain ? reasons.uncertain : reasons.clear,
    evidence: { ...evidence, threshold },
  };
}

/**
 * `peril_mismatch`: the photos support another peril better than the claimed one. Score = how much the
 * strongest other damage beats the best support for the claimed peril, over all photos.
 */
export function checkPerilMismatch(input: ModelCheckInput): CheckResult {
  const fact = coverageFact(input);
  if (fact) {
    // Not a judgement of the photos: the policy does not cover what is claimed, whatever they show.
    return {
      kind: 'peril_mismatch',
      photoId: null,
      score: 1,
      confidence: 1,
      flagged: true,
      uncertain: false,
      severity: 'high',
      reason: fact.reason,
      evidence: {
        claimedPeril: input.claimedPeril,
        coverage: 'not_covered',
        policyNumber: input.policy!.number,
        clause: fact.clause,
        threshold: input.thresholds.peril_mismatch,
      },
    };
  }
  if (input.photos.length > 0 && input.photos.every((photo) => !(input.claimedPeril in photo.damage))) {
    // No prompts describe the claimed peril: the model cannot judge it, a person must.
    const threshold = input.thresholds.peril_mismatch;
    return {
      kind: 'peril_mismatch',
      photoId: null,
      score: threshold.uncertainFrom,
      confidence: 0,
      flagged: false,
      uncertain: true,
      severity: 'info',
      reason: `The claimed peril "${input.claimedPeril}" has no visual description, so the photos cannot be checked against it.`,
      evidence: { claimedPeril: input.claimedPeril, threshold },
    };
  }
  let support = { photoId: null as string | null, value: 0 };
  let alternative = { photoId: null as string | null, key: null as string | null, value: 0 };
  for (const photo of input.photos) {
    const claimed = photo.damage[input.claimedPeril] ?? 0;
    if (claimed > support.value) support = { photoId: photo.photoId, value: claimed };
    // Another peril counts only where it is what the photo shows most: a photo that looks undamaged
    // (or shows an excluded peril, the exclusion check's business) is no evidence of another peril.
    const top = argmax(photo.damage, () => false);
    if (
      top.key === null ||
      top.key === input.claimedPeril ||
      top.key === NONE ||
      input.exclusionPerils.includes(top.key)
    )
      continue;
    if (top.value > alternative.value) alternative = { photoId: photo.photoId, key: top.key, value: top.value };
  }
  const score = alternative.value - support.value;
  const peril = input.claimedPeril.replaceAll('_', ' ');
  const other = alternative.key?.replaceAll('_', ' ') ?? 'another peril';
  return result(
    'peril_mismatch',
    score,
    input.thresholds.peril_mismatch,
    score > 0.6 ? 'high' : 'medium',
    alternative.photoId,
    {
      flagged: `The photos show ${other} (p=${alternative.value.toFixed(2)}) rather than the claimed ${peril} (p=${support.value.toFixed(2)}).`,
      uncertain: `The photos support ${other} about as well as the claimed ${peril}.`,
      clear: `The photos are consistent with the claimed ${peril}.`,
    },
    {
      claimedPeril: input.claimedPeril,
      claimedSupport: round(support.value),
      supportPhotoId: support.photoId,
      bestAlternative: alternative.key,
      alternativeProbability: round(alternative.value),
    },
  );
}

/**
 * `exclusion_evident`: a photo matches an excluded peril clearly above every covered one. Photos that
 * look undamaged are not evidence of an excluded peril (no_visible_damage speaks for them).
 */
export function checkExclusionEvident(input: ModelCheckInput): CheckResult {
  const covered = input.coveragePerils.length > 0 ? input.coveragePerils : [input.claimedPeril];
  let worst = {
    photoId: null as string | null,
    key: null as string | null,
    value: 0,
    margin: Number.NEGATIVE_INFINITY,
  };
  for (const photo of input.photos) {
    if (argmax(photo.damage, () => false).key === NONE) continue;
    const excluded = argmax(photo.damage, (key) => !input.exclusionPerils.includes(key));
    const cover = argmax(photo.damage, (key) => !covered.includes(key));
    const margin = excluded.value - cover.value;
    if (excluded.key && margin > worst.margin)
      worst = { photoId: photo.photoId, key: excluded.key, value: excluded.value, margin };
  }
  const score = worst.key ? Math.max(0, worst.margin) : 0;
  const excluded = worst.key?.replaceAll('_', ' ') ?? 'an excluded peril';
  return result(
    'exclusion_evident',
    score,
    input.thresholds.exclusion_evident,
    'high',
    worst.photoId,
    {
      flagged: `A photo shows ${excluded} (p=${worst.value.toFixed(2)}), which the policy excludes, more clearly than any covered peril.`,
      uncertain: `A photo may show ${excluded}, which the policy excludes.`,
      clear: 'No excluded peril is evident in the photos.',
    },
    {
      exclusionPerils: input.exclusionPerils,
      coveragePerils: covered,
      excludedPeril: worst.key,
      probability: round(worst.value),
    },
  );
}

/**
 * `no_visible_damage`: the undamaged prompts beat every damage prompt, over the photos taken together.
 * Score = the mean over photos of p(undamaged) − p(strongest damage): one ambiguous close-up does not
 * hide that the rest show nothing, and one photo that clearly shows damage pulls the mean down.
 */
export function checkNoVisibleDamage(input: ModelCheckInput): CheckResult {
  const margins = input.photos.map((photo) => ({
    photoId: photo.photoId,
    margin: (photo.damage[NONE] ?? 0) - argmax(photo.damage, (key) => key === NONE).value,
  }));
  const mean = margins.length === 0 ? 0 : margins.reduce((sum, entry) => sum + entry.margin, 0) / margins.length;
  const score = Math.max(0, mean);
  return result(
    'no_visible_damage',
    score,
    input.thresholds.no_visible_damage,
    'medium',
    null,
    {
      flagged: 'The photos show no visible damage.',
      uncertain: 'The photos show little or no visible damage.',
      clear: 'Damage is visible in the photos.',
    },
    {
      meanMargin: round(mean),
      photoMargins: margins.map((entry) => ({ photoId: entry.photoId, margin: round(entry.margin) })),
    },
  );
}

/** `object_mismatch`: no photo shows the insured object; each shows another object better. */
export function checkObjectMismatch(input: ModelCheckInput): CheckResult {
  const insured = input.insuredObject;
  if (!insured) {
    return result(
      'object_mismatch',
      0,
      input.thresholds.object_mismatch,
      'info',
      null,
      { flagged: '', uncertain: '', clear: 'The insured object is not one the model can recognise; not checked.' },
      { insuredObject: null },
    );
  }
  let closest = { photoId: null as string | null, margin: Number.POSITIVE_INFINITY, shown: null as string | null };
  for (const photo of input.photos) {
    const distractor = argmax(photo.objects, (key) => key === insured);
    const margin = distractor.value - (photo.objects[insured] ?? 0);
    if (margin < closest.margin) closest = { photoId: photo.photoId, margin, shown: distractor.key };
  }
  const score = input.photos.length === 0 ? 0 : Math.max(0, closest.margin);
  return result(
    'object_mismatch',
    score,
    input.thresholds.object_mismatch,
    'high',
    closest.photoId,
    {
      flagged: `The photos show ${closest.shown ?? 'another object'}, not the insured ${insured}.`,
      uncertain: `It is unclear whether the photos show the insured ${insured}.`,
      clear: `The photos show the insured ${insured}.`,
    },
    {
      insuredObject: insured,
      shownObject: closest.shown,
      margin: round(Number.isFinite(closest.margin) ? closest.margin : 0),
    },
  );
}

export function runModelChecks(input: ModelCheckInput): CheckResult[] {
  return [
    checkPerilMismatch(input),
    checkExclusionEvident(input),
    checkObjectMismatch(input),
    checkNoVisibleDamage(input),
  ];
}
