/**
 * The delivery rules as pure functions (src/webhooks/README.md): when the next attempt goes, and when a
 * failing endpoint is disabled.
 */

/** Seconds before the attempt after attempt `attempt` (1-based) failed; null when the schedule is used up. */
export function retryDelayS(attempt: number, scheduleS: readonly number[]): number | null {
  return attempt >= 1 && attempt <= scheduleS.length ? scheduleS[attempt - 1] : null;
}

/** Whether an endpoint failing without a success since `failingSince` is to be disabled at `at`. */
export function shouldDisable(failingSince: Date | null | undefined, at: Date, disableAfterDays: number): boolean {
  return !!failingSince && at.getTime() - failingSince.getTime() >= disableAfterDays * 86_400_000;
}
