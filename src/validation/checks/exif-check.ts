import type { PhotoExif } from '../../claims/photo.entity';
import type { CheckResult } from './check-result';

export interface ExifCheckInput {
  photoId: string;
  exif: PhotoExif;
  /** Where the intake says the photo comes from: a camera photo should carry EXIF. */
  photoSource: string;
  policyStart: string; // YYYY-MM-DD
  policyEnd: string; // YYYY-MM-DD
  incidentDate: string; // YYYY-MM-DD
  filedAt: Date;
}

export interface ExifCheckOptions {
  /** A capture this many days or more away from the incident is suspicious. */
  maxDaysFromIncident: number;
  /** Tolerance for clock skew between the camera and the server. */
  clockSkewHours: number;
}

export const DEFAULT_EXIF_OPTIONS: ExifCheckOptions = { maxDaysFromIncident: 14, clockSkewHours: 24 };

/** Editors whose name in EXIF Software means the image was processed after capture. */
const EDITING_SOFTWARE =
  /photoshop|lightroom|gimp|snapseed|picsart|affinity|pixelmator|paint\.net|facetune|canva|fotor|luminar|capture one|darktable|krita/i;

const DAY_MS = 24 * 3600 * 1000;

function startOfDay(date: string): number {
  return Date.parse(`${date}T00:00:00Z`);
}

/**
 * EXIF anomalies: capture before the policy started, after the claim was filed, far from the incident,
 * editing software, or no EXIF on a photo said to come straight from a camera. Each finding is a reason;
 * the result is flagged when any is found. Capture times without a zone are read as UTC, so the skew
 * tolerance absorbs the camera's zone.
 */
export function checkExif(input: ExifCheckInput, options: ExifCheckOptions = DEFAULT_EXIF_OPTIONS): CheckResult {
  const findings: string[] = [];
  const evidence: Record<string, unknown> = {
    captureTime: input.exif.captureTime ?? null,
    software: input.exif.software ?? null,
    policyStart: input.policyStart,
    incidentDate: input.incidentDate,
    filedAt: input.filedAt.toISOString(),
  };
  let severity: CheckResult['severity'] = 'info';
  const skew = options.clockSkewHours * 3600 * 1000;
  const capture = input.exif.captureTime ? Date.parse(input.exif.captureTime) : Number.NaN;
  if (Number.isFinite(capture)) {
    if (capture < startOfDay(input.policyStart) - skew) {
      findings.push(`taken ${input.exif.captureTime!.slice(0, 10)}, before the policy started on ${input.policyStart}`);
      severity = 'high';
    }
    if (capture > input.filedAt.getTime() + skew) {
      findings.push(
        `taken ${input.exif.captureTime!.slice(0, 10)}, after the claim was filed on ${input.filedAt.toISOString().slice(0, 10)}`,
      );
      severity = 'high';
    }
    const daysFromIncident = Math.abs(capture - startOfDay(input.incidentDate)) / DAY_MS;
    evidence.daysFromIncident = Math.round(daysFromIncident * 10) / 10;
    if (daysFromIncident > options.maxDaysFromIncident + options.clockSkewHours / 24) {
      findings.push(`taken ${Math.round(daysFromIncident)} days from the incident date ${input.incidentDate}`);
      if (severity === 'info') severity = 'medium';
    }
  } else if (input.photoSource === 'camera') {
    findings.push('no capture time in EXIF although the photo is said to come from a camera');
    if (severity === 'info') severity = 'low';
  }
  if (input.exif.software && EDITING_SOFTWARE.test(input.exif.software)) {
    findings.push(`processed with editing software (${input.exif.software})`);
    if (severity !== 'high') severity = 'medium';
  }
  const flagged = findings.length > 0;
  return {
    kind: 'exif_anomaly',
    photoId: input.photoId,
    score: flagged ? 1 : 0,
    confidence: 1,
    flagged,
    uncertain: false,
    severity: flagged ? severity : 'info',
    reason: flagged ? `Photo metadata: ${findings.join('; ')}.` : 'Photo metadata is consistent with the claim.',
    evidence: { ...evidence, findings },
  };
}
