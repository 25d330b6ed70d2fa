import type { ClauseRef } from './checks/model-checks';
import { perilKey, type PromptSet } from './prompt-sets';

/** A check result as the explanation reads it (a row of `checks`). */
export interface ExplainedCheck {
  kind: string;
  photoId: string | null;
  evidence: Record<string, unknown>;
}

export interface PolicyClause {
  code: string;
  kind: string;
  perilKey: string;
  text: string;
}

/** One prompt class the check compared the photos with, and its probability (on the check's photo, else the best photo). */
export interface CheckPrompt {
  group: 'damage' | 'objects';
  key: string;
  prompts: string[];
  probability: number | null;
}

export interface CheckExplanation {
  /** The policy clause the check tested, in the policy's words; null for checks that test no clause. */
  clause: ClauseRef | null;
  prompts: CheckPrompt[];
}

type PhotoScores = Record<
  string,
  { damage?: Record<string, { probability: number }>; objects?: Record<string, { probability: number }> }
>;

/**
 * Which clause a check tested and with which prompts, from the policy, the run's prompt set and scores:
 * peril_mismatch and no_visible_damage test the coverage clause of the claimed peril (the exclusion clause when
 * it is not covered), exclusion_evident the exclusion clause of the peril it saw; object_mismatch compares the
 * insured object's prompts. Duplicate, EXIF and quality checks test no clause and use no prompts.
 */
export function explainCheck(
  check: ExplainedCheck,
  context: { claimedPeril: string; clauses: readonly PolicyClause[]; promptSet?: PromptSet; photos?: PhotoScores },
): CheckExplanation {
  const claimed = perilKey(context.claimedPeril);
  const clauseFor = (peril: string | null, kind?: string): ClauseRef | null => {
    if (!peril) return null;
    const found =
      context.clauses.find((clause) => perilKey(clause.perilKey) === peril && (!kind || clause.kind === kind)) ?? null;
    return found ? { code: found.code, kind: found.kind, text: found.text } : null;
  };
  const prompt = (group: 'damage' | 'objects', key: unknown): CheckPrompt | null => {
    if (typeof key !== 'string') return null;
    const entry = context.promptSet?.[group].find((candidate) => candidate.key === key);
    if (!entry) return null;
    const probabilities = Object.entries(context.photos ?? {})
      .filter(([photoId]) => !check.photoId || photoId === check.photoId)
      .map(([, scores]) => scores[group]?.[key]?.probability)
      .filter((value): value is number => typeof value === 'number');
    return {
      group,
      key,
      prompts: entry.prompts,
      probability: probabilities.length ? Math.max(...probabilities) : null,
    };
  };
  const evidence = check.evidence;
  const stored = evidence.clause as ClauseRef | null | undefined;
  let clause: ClauseRef | null = null;
  let prompts: Array<CheckPrompt | null> = [];
  switch (check.kind) {
    case 'peril_mismatch':
      clause = stored !== undefined ? stored : (clauseFor(claimed, 'coverage') ?? clauseFor(claimed));
      prompts = [prompt('damage', claimed), prompt('damage', evidence.bestAlternative)];
      break;
    case 'no_visible_damage':
      clause = clauseFor(claimed, 'coverage');
      prompts = [prompt('damage', 'none'), prompt('damage', claimed)];
      break;
    case 'exclusion_evident':
      clause = clauseFor(typeof evidence.excludedPeril === 'string' ? evidence.excludedPeril : null, 'exclusion');
      prompts = [prompt('damage', evidence.excludedPeril)];
      break;
    case 'object_mismatch':
      prompts = [prompt('objects', evidence.insuredObject), prompt('objects', evidence.shownObject)];
      break;
  }
  return { clause, prompts: prompts.filter((entry): entry is CheckPrompt => entry !== null) };
}
