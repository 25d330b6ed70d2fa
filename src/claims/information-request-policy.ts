/**
 * The rules of an information request, as pure functions (unit tests beside them): how long the message to the
 * claimant and the intake system's note may be, which due dates an adjuster may set, when a request is past due, and
 * which photos are new since the request.
 */

/** The message the adjuster writes for the claimant (shown to the intake system as written). */
export const REQUEST_MESSAGE_MIN_LENGTH = 10;
export const REQUEST_MESSAGE_MAX_LENGTH = 2000;
/** The intake system's note when it resubmits. */
export const RESPONSE_NOTE_MAX_LENGTH = 2000;
/** A due date must leave the claimant at least this long. */
export const MIN_DUE_LEAD_MS = 3_600_000;

const DAY_MS = 86_400_000;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

export interface DueDateRules {
  /** Used when the adjuster names no due date. */
  readonly defaultDays: number;
  /** The latest due date allowed, in days from now. */
  readonly maxDays: number;
}

export type DueDateResult = { ok: true; dueAt: Date } | { ok: false; problem: string };

/**
 * The due date of a new request. None given: now + `defaultDays`. A calendar date (`YYYY-MM-DD`) means the end of
 * that day (UTC); a date-time must carry its offset (`Z` or `±hh:mm`). It must lie at least an hour ahead and at
 * most `maxDays` days from now.
 */
export function resolveDueAt(requested: string | undefined, now: Date, rules: DueDateRules): DueDateResult {
  if (requested === undefined || requested === '')
    return { ok: true, dueAt: new Date(now.getTime() + rules.defaultDays * DAY_MS) };
  let dueAt: Date;
  if (DATE_ONLY.test(requested)) dueAt = new Date(`${requested}T23:59:59.999Z`);
  else if (DATE_TIME.test(requested)) dueAt = new Date(requested);
  else
    return {
      ok: false,
      problem: 'dueAt must be a date (YYYY-MM-DD, the end of that day UTC) or a date-time with its offset',
    };
  if (Number.isNaN(dueAt.getTime()) || (DATE_ONLY.test(requested) && dueAt.toISOString().slice(0, 10) !== requested))
    return { ok: false, problem: `dueAt "${requested}" is not a valid date` };
  if (dueAt.getTime() < now.getTime() + MIN_DUE_LEAD_MS)
    return { ok: false, problem: 'dueAt must be in the future, at least an hour from now' };
  if (dueAt.getTime() > now.getTime() + rules.maxDays * DAY_MS)
    return { ok: false, problem: `dueAt must be at most ${rules.maxDays} days from now` };
  return { ok: true, dueAt };
}

/** A request is past due from its due date on (the no-response job's test). */
export function isPastDue(dueAt: Date, now: Date): boolean {
  return now.getTime() >= dueAt.getTime();
}

/** The claim's photos that were not there when the information was requested, in the claim's order. */
export function photosNewSince(currentPhotoIds: readonly string[], knownAtRequest: readonly string[]): string[] {
  const known = new Set(knownAtRequest);
  return currentPhotoIds.filter((id) => !known.has(id));
}
