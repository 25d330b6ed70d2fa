import { CompactEncrypt, importJWK, type JWK } from 'jose';
import { randomBytes, randomInt } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import {
  AUTO_POLICY,
  INCIDENT_DATE,
  PROPERTY_POLICY,
  claimScenarios,
  renderPlannedPhoto,
  type ClaimScenario,
} from '../../src/demo/claim-scenarios';
import { CHECK_KINDS, type CheckKind } from '../../src/validation/check.entity';
import type { WebhookListener, WebhookSummary } from './webhook-listener';

/**
 * An intake system, simulated: it talks to the service only through the public API with an API key,
 * files claims with rendered photos (a mix of honest ones and ones with a planted inconsistency),
 * submits them and waits for their outcome. Used by `npm run simulate` and `npm run bench:e2e`.
 */
export type PlantedKind = 'honest' | CheckKind;
export const PLANTED_KINDS: readonly PlantedKind[] = ['honest', ...CHECK_KINDS];
export const FINAL_STATUSES = ['consistent', 'inconsistent', 'needs_review', 'decided', 'closed'] as const;

export interface SimulatorOptions {
  url: string;
  apiKey: string;
  claims: number;
  concurrency: number;
  encrypt: boolean;
  /** Share of claims per planted kind; normalised. */
  mix: Partial<Record<PlantedKind, number>>;
  /** How long to wait for the last result after the last submit. */
  timeoutMs: number;
  /** Scenes are chosen from this seed base; random by default so runs never reuse each other's photos. */
  seedBase?: number;
  onProgress?: (progress: SimulatorProgress) => void;
  /**
   * Learn outcomes from signed webhooks instead of polling: the listener is registered as an endpoint of the
   * simulator's intake client for the run (and deleted after), and answers information requests with another photo.
   */
  webhooks?: WebhookListener;
  /** With webhooks: keep listening this long after every claim is final (adjusters' decisions, information requests). */
  lingerMs?: number;
  /** Write each filed claim's id and planted kind here (JSON lines): a labelled file for `calibration:fit --labels`. */
  labelsOut?: string;
}

export interface SimulatorProgress {
  phase: 'filing' | 'waiting';
  total: number;
  submitted: number;
  final: number;
  failed: number;
}

export interface SimulatedClaim {
  index: number;
  planted: PlantedKind;
  scenario: string;
  claimId?: string;
  status?: string;
  error?: string;
}

export interface SimulatorSummary {
  url: string;
  claims: number;
  concurrency: number;
  encrypted: boolean;
  seedBase: number;
  /** Claims per final status; `unfinished` and `failed` when some did not get there. */
  outcomes: Record<string, number>;
  allFinal: boolean;
  /** Per planted kind: how many, and how many the service flagged (status inconsistent). */
  byPlanted: Record<string, { total: number; inconsistent: number; needsReview: number; consistent: number }>;
  /** Claim level: planted inconsistency vs status inconsistent (needs_review counts as not flagged). */
  flag: {
    truePositive: number;
    falsePositive: number;
    falseNegative: number;
    trueNegative: number;
    precision: number;
    recall: number;
  };
  /**
   * Routing against what was planted: auto-cleared claims (status consistent), how many of them had a planted
   * problem (false clears) and their rate among the auto-cleared; the share routed to people (flagged or uncertain).
   */
  routing: {
    autoCleared: number;
    falseClears: number;
    falseClearRate: number | null;
    toReview: number;
    reviewRate: number;
    uncertain: number;
    flagged: number;
  };
  requests: { total: number; errors: number };
  photos: number;
  seconds: { filing: number; total: number };
  claimsPerSecond: number;
  errors: string[];
  /** With --webhooks: what the listener received and the change → delivery latency. */
  webhooks?: WebhookSummary;
}

export const DEFAULT_MIX: Record<PlantedKind, number> = {
  honest: 0.5,
  peril_mismatch: 0.5 / 7,
  exclusion_evident: 0.5 / 7,
  object_mismatch: 0.5 / 7,
  no_visible_damage: 0.5 / 7,
  duplicate_photo: 0.5 / 7,
  exif_anomaly: 0.5 / 7,
  unusable_image: 0.5 / 7,
};

/** `honest=0.5,peril_mismatch=0.2,...`: unknown kinds and bad numbers are usage errors. */
export function parseMix(text: string): Partial<Record<PlantedKind, number>> {
  const mix: Partial<Record<PlantedKind, number>> = {};
  for (const part of text
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)) {
    const [name, value] = part.split('=');
    if (!(PLANTED_KINDS as readonly string[]).includes(name))
      throw new Error(`--mix: unknown kind "${name}" (one of ${PLANTED_KINDS.join(', ')})`);
    const share = Number(value);
    if (!Number.isFinite(share) || share < 0) throw new Error(`--mix: ${name} needs a non-negative number`);
    mix[name as PlantedKind] = share;
  }
  if (Object.values(mix).reduce((sum, share) => sum + (share ?? 0), 0) <= 0)
    throw new Error('--mix: the shares add up to 0');
  return mix;
}

/** Which kind each claim plants: largest-remainder apportionment, then a deterministic interleave. */
export function plantedKinds(claims: number, mix: Partial<Record<PlantedKind, number>>): PlantedKind[] {
  const entries = PLANTED_KINDS.map((kind) => [kind, mix[kind] ?? 0] as const).filter(([, share]) => share > 0);
  const sum = entries.reduce((total, [, share]) => total + share, 0);
  const exact = entries.map(([kind, share]) => ({ kind, exact: (share / sum) * claims }));
  const counts = new Map(exact.map((entry) => [entry.kind, Math.floor(entry.exact)]));
  let left = claims - [...counts.values()].reduce((total, count) => total + count, 0);
  for (const entry of [...exact].sort((a, b) => (b.exact % 1) - (a.exact % 1))) {
    if (left-- <= 0) break;
    counts.set(entry.kind, counts.get(entry.kind)! + 1);
  }
  // Interleave so that every kind is spread over the run (and honest claims come before the duplicates of them).
  const result: PlantedKind[] = [];
  const remaining = new Map(counts);
  while (result.length < claims) {
    for (const [kind] of entries) {
      const count = remaining.get(kind)!;
      if (count > 0) {
        result.push(kind);
        remaining.set(kind, count - 1);
      }
    }
  }
  return result;
}

/** A scenario for each claim: the labelled generator's scenarios of the planted kind, cycled, on fresh seeds. */
function scenariosFor(kinds: PlantedKind[], seedBase: number): ClaimScenario[] {
  const pools = new Map<PlantedKind, ClaimScenario[]>();
  let round = 0;
  const pool = (kind: PlantedKind): ClaimScenario[] => {
    let list = pools.get(kind);
    if (!list || list.length === 0) {
      // Each round renders other scenes (another seed base), so honest photos never repeat by accident.
      const scenarios = claimScenarios(seedBase + round++ * 10_000).map((scenario) => ({
        ...scenario,
        name: `${scenario.name}@${round}`,
      }));
      for (const candidate of PLANTED_KINDS) {
        const fresh = scenarios.filter((scenario) =>
          candidate === 'honest' ? scenario.expected.length === 0 : scenario.expected.includes(candidate),
        );
        if (!pools.get(candidate)?.length) pools.set(candidate, fresh);
      }
      list = pools.get(kind)!;
    }
    return list;
  };
  const result: ClaimScenario[] = [];
  for (const kind of kinds) {
    const list = pool(kind);
    result.push(list.shift()!);
  }
  return result;
}

interface HttpResult {
  status: number;
  body: unknown;
}

class IntakeApi {
  requests = 0;
  errors = 0;

  constructor(
    private readonly url: string,
    private readonly apiKey: string,
  ) {}

  async call(
    method: string,
    path: string,
    options: { json?: unknown; body?: string | FormData; headers?: Record<string, string>; expect?: number[] } = {},
  ): Promise<HttpResult> {
    const headers: Record<string, string> = { 'X-API-Key': this.apiKey, ...(options.headers ?? {}) };
    let body = options.body;
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    }
    this.requests += 1;
    let response: Response;
    try {
      response = await fetch(`${this.url}${path}`, { method, headers, body, signal: AbortSignal.timeout(60_000) });
    } catch (error) {
      this.errors += 1;
      throw new Error(`${method} ${path}: ${error instanceof Error ? error.message : String(error)}`);
    }
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: keep the text
    }
    if (!(options.expect ?? [200, 201, 202]).includes(response.status)) {
      this.errors += 1;
      const message =
        typeof parsed === 'object' && parsed && 'message' in parsed
          ? String((parsed as { message: unknown }).message)
          : text.slice(0, 200);
      throw new Error(`${method} ${path}: ${response.status} ${message}`);
    }
    return { status: response.status, body: parsed };
  }
}

async function pool<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const runners = Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, async () => {
    while (next < items.length) {
      const item = items[next++];
      await work(item);
    }
  });
  await Promise.all(runners);
}

export async function runSimulation(options: SimulatorOptions): Promise<SimulatorSummary> {
  const url = options.url.replace(/\/+$/, '');
  const api = new IntakeApi(url, options.apiKey);
  const seedBase = options.seedBase ?? 100_000 + randomInt(0, 9_000_000);
  const kinds = plantedKinds(options.claims, options.mix);
  const scenarios = scenariosFor(kinds, seedBase);
  const claims: SimulatedClaim[] = scenarios.map((scenario, index) => ({
    index,
    planted: kinds[index],
    scenario: scenario.name,
  }));
  const errors: string[] = [];
  const progress = (phase: SimulatorProgress['phase']) =>
    options.onProgress?.({
      phase,
      total: claims.length,
      submitted: claims.filter((claim) => claim.status !== undefined).length,
      final: claims.filter((claim) => isFinal(claim.status)).length,
      failed: claims.filter((claim) => claim.error).length,
    });

  const started = performance.now();
  // Policies first: one auto and one property policy per run, as an intake system registers them.
  const run = randomBytes(4).toString('hex');
  const auto = (await api.call('POST', '/v1/policies', { json: { ...AUTO_POLICY, number: `SIM-AUTO-${run}` } }))
    .body as { id: string };
  const property = (await api.call('POST', '/v1/policies', { json: { ...PROPERTY_POLICY, number: `SIM-HOME-${run}` } }))
    .body as { id: string };
  const listener = options.webhooks;
  let endpointId: string | undefined;
  if (listener) {
    const registered = (
      await api.call('POST', '/v1/webhooks', {
        json: {
          url: listener.url,
          events: ['claim.scored', 'claim.information_requested', 'claim.decided', 'claim.purged'],
        },
      })
    ).body as { id: string; secret: string };
    endpointId = registered.id;
    listener.useSecret(registered.secret);
    let answers = 0;
    listener.onInformationRequested = async (event) => {
      // The claimant's answer: another photo of the scene, then resubmit (rescoring comes back as claim.scored).
      const claim = claims.find((candidate) => candidate.claimId === event.data.claimId);
      const scenario = claim ? scenarios[claim.index] : scenarios[0];
      const plan = scenario.photos[0];
      const bytes = await renderPlannedPhoto(
        { scene: { ...plan.scene, seed: seedBase + 500_000 + answers++ }, captureTime: plan.captureTime },
        new Map(),
      );
      const form = new FormData();
      form.append('photos', new Blob([bytes], { type: 'image/jpeg' }), 'answer.jpg');
      await api.call('POST', `/v1/claims/${event.data.claimId}/photos`, { body: form });
      await api.call('POST', `/v1/claims/${event.data.claimId}/resubmit`, {
        json: { note: 'Another photo, as requested.' },
      });
    };
  }
  let jwk: JWK | undefined;
  if (options.encrypt) jwk = ((await api.call('GET', '/v1/keys/intake')).body as { keys: JWK[] }).keys[0];
  const intakeKey = jwk ? await importJWK(jwk, 'ECDH-ES+A256KW') : undefined;

  // A planted duplicate reuses the photo of an honest claim of this run: that claim's upload must land first.
  const rendered = new Map<string, Buffer>();
  const uploaded = new Map<string, Promise<void>>();
  const uploadDone = new Map<string, () => void>();
  for (const scenario of scenarios)
    uploaded.set(scenario.name, new Promise<void>((resolve) => uploadDone.set(scenario.name, resolve)));
  const sources = new Map<string, string>();
  let photos = 0;
  // Duplicates point at their generator's honest scenario; map that name to one of this run's honest claims.
  const honestNames = scenarios.filter((scenario) => scenario.expected.length === 0).map((scenario) => scenario.name);
  scenarios.forEach((scenario, index) => {
    const plan = scenario.photos[0];
    if (plan.duplicateOf) {
      const earlier = honestNames.filter((name) => scenarios.findIndex((candidate) => candidate.name === name) < index);
      const source = earlier.length > 0 ? earlier[index % earlier.length] : undefined;
      if (source) sources.set(scenario.name, source);
    }
  });

  await pool(claims, options.concurrency, async (claim) => {
    const scenario = scenarios[claim.index];
    try {
      const created = await api.call('POST', '/v1/claims', {
        headers: { 'Idempotency-Key': `sim-${run}-${claim.index}` },
        json: {
          policyId: scenario.policy === 'auto' ? auto.id : property.id,
          externalReference: `SIM-${run}-${String(claim.index + 1).padStart(4, '0')}`,
          claimedPeril: scenario.claimedPeril,
          description: `Simulated ${claim.planted} claim (${scenario.name}).`,
          incidentDate: INCIDENT_DATE,
          amount: (200 + ((claim.index * 7919) % 9800)).toFixed(2),
          currency: 'EUR',
          photoSource: scenario.photoSource ?? 'camera',
        },
      });
      claim.claimId = (created.body as { id: string }).id;
      const files: Buffer[] = [];
      for (const [photoIndex, original] of scenario.photos.entries()) {
        let plan = original;
        if (plan.duplicateOf) {
          const source = sources.get(scenario.name);
          if (source) {
            await uploaded.get(source);
            plan = { ...plan, duplicateOf: { ...plan.duplicateOf, scenario: source } };
          } else {
            // No honest claim before it in this run: duplicate the first honest scene of the generator instead.
            plan = { scene: { ...plan.scene, seed: seedBase + 7 }, captureTime: plan.captureTime };
          }
        }
        const bytes = await renderPlannedPhoto(plan, rendered);
        if (photoIndex === 0) rendered.set(scenario.name, bytes);
        files.push(bytes);
      }
      if (intakeKey && jwk) {
        for (const bytes of files) {
          const compact = await new CompactEncrypt(bytes)
            .setProtectedHeader({ alg: 'ECDH-ES+A256KW', enc: 'A256GCM', kid: jwk.kid, cty: 'image/jpeg' })
            .encrypt(intakeKey);
          await api.call('POST', `/v1/claims/${claim.claimId}/photos`, {
            body: compact,
            headers: { 'content-type': 'application/jose' },
          });
        }
      } else {
        const form = new FormData();
        files.forEach((bytes, photoIndex) =>
          form.append(
            'photos',
            new Blob([bytes], { type: 'image/jpeg' }),
            `${scenario.name.replace(/[^a-z0-9-]/gi, '_')}-${photoIndex + 1}.jpg`,
          ),
        );
        await api.call('POST', `/v1/claims/${claim.claimId}/photos`, { body: form });
      }
      photos += files.length;
      uploadDone.get(scenario.name)!();
      const submitted = await api.call('POST', `/v1/claims/${claim.claimId}/submit`);
      claim.status = (submitted.body as { status: string }).status;
    } catch (error) {
      uploadDone.get(scenario.name)!();
      claim.error = error instanceof Error ? error.message : String(error);
      errors.push(`claim ${claim.index + 1}: ${claim.error}`);
    }
    progress('filing');
  });
  const filed = performance.now();

  // Poll each pending claim's status (the intake view: status only) until all are final or time runs out;
  // with webhooks, no polling: the listener's events say each claim's status.
  const deadline = Date.now() + options.timeoutMs;
  let lastResult = filed;
  while (listener) {
    for (const claim of claims) {
      const announced = claim.claimId ? listener.status.get(claim.claimId) : undefined;
      if (!announced || announced === claim.status) continue;
      claim.status = announced;
      if (isFinal(announced)) lastResult = performance.now();
    }
    progress('waiting');
    const pending = claims.filter((claim) => claim.claimId && !claim.error && !isFinal(claim.status));
    if (pending.length === 0 || Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  for (;;) {
    if (listener) break;
    const pending = claims.filter((claim) => claim.claimId && !claim.error && !isFinal(claim.status));
    if (pending.length === 0 || Date.now() > deadline) break;
    await pool(pending, Math.min(8, options.concurrency), async (claim) => {
      try {
        const view = await api.call('GET', `/v1/claims/${claim.claimId}`);
        claim.status = (view.body as { status: string }).status;
        if (isFinal(claim.status)) lastResult = performance.now();
      } catch (error) {
        errors.push(`claim ${claim.index + 1} status: ${error instanceof Error ? error.message : String(error)}`);
      }
    });
    progress('waiting');
    if (claims.some((claim) => claim.claimId && !claim.error && !isFinal(claim.status)))
      await new Promise((resolve) => setTimeout(resolve, 250));
  }
  progress('waiting');
  if (listener) {
    if (options.lingerMs) await new Promise((resolve) => setTimeout(resolve, options.lingerMs));
    await listener.stop();
    if (endpointId)
      await api
        .call('DELETE', `/v1/webhooks/${endpointId}`)
        .catch((error: unknown) => errors.push(`removing the webhook endpoint: ${String(error)}`));
  }
  if (options.labelsOut)
    writeFileSync(
      options.labelsOut,
      claims
        .filter((claim) => claim.claimId)
        .map((claim) => JSON.stringify({ claimId: claim.claimId, planted: claim.planted }))
        .join('\n') + '\n',
    );
  const summary = summarise(options, url, seedBase, claims, api, photos, errors, { started, filed, lastResult });
  if (listener) summary.webhooks = listener.summary();
  return summary;
}

function isFinal(status: string | undefined): boolean {
  return status !== undefined && (FINAL_STATUSES as readonly string[]).includes(status);
}

function summarise(
  options: SimulatorOptions,
  url: string,
  seedBase: number,
  claims: SimulatedClaim[],
  api: IntakeApi,
  photos: number,
  errors: string[],
  times: { started: number; filed: number; lastResult: number },
): SimulatorSummary {
  const outcomes: Record<string, number> = {};
  const byPlanted: SimulatorSummary['byPlanted'] = {};
  const flag = { truePositive: 0, falsePositive: 0, falseNegative: 0, trueNegative: 0, precision: 0, recall: 0 };
  for (const claim of claims) {
    const outcome = claim.error ? 'failed' : isFinal(claim.status) ? claim.status! : 'unfinished';
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    const entry = (byPlanted[claim.planted] ??= { total: 0, inconsistent: 0, needsReview: 0, consistent: 0 });
    entry.total += 1;
    if (claim.status === 'inconsistent') entry.inconsistent += 1;
    if (claim.status === 'needs_review') entry.needsReview += 1;
    if (claim.status === 'consistent') entry.consistent += 1;
    if (!isFinal(claim.status)) continue;
    const planted = claim.planted !== 'honest';
    const flagged = claim.status === 'inconsistent';
    if (planted && flagged) flag.truePositive += 1;
    else if (!planted && flagged) flag.falsePositive += 1;
    else if (planted) flag.falseNegative += 1;
    else flag.trueNegative += 1;
  }
  const round = (value: number) => Math.round(value * 1000) / 1000;
  flag.precision = round(
    flag.truePositive + flag.falsePositive === 0 ? 1 : flag.truePositive / (flag.truePositive + flag.falsePositive),
  );
  flag.recall = round(
    flag.truePositive + flag.falseNegative === 0 ? 1 : flag.truePositive / (flag.truePositive + flag.falseNegative),
  );
  const finals = claims.filter((claim) => isFinal(claim.status)).length;
  const cleared = claims.filter((claim) => claim.status === 'consistent');
  const falseClears = cleared.filter((claim) => claim.planted !== 'honest').length;
  const uncertain = claims.filter((claim) => claim.status === 'needs_review').length;
  const flaggedCount = claims.filter((claim) => claim.status === 'inconsistent').length;
  const routing = {
    autoCleared: cleared.length,
    falseClears,
    falseClearRate: cleared.length === 0 ? null : Math.round((falseClears / cleared.length) * 10_000) / 10_000,
    toReview: uncertain + flaggedCount,
    reviewRate: finals === 0 ? 0 : Math.round(((uncertain + flaggedCount) / finals) * 10_000) / 10_000,
    uncertain,
    flagged: flaggedCount,
  };
  const totalSeconds = (times.lastResult - times.started) / 1000;
  return {
    url,
    claims: claims.length,
    concurrency: options.concurrency,
    encrypted: options.encrypt,
    seedBase,
    outcomes,
    allFinal: finals === claims.length,
    byPlanted,
    flag,
    routing,
    requests: { total: api.requests, errors: api.errors },
    photos,
    seconds: { filing: round((times.filed - times.started) / 1000), total: round(totalSeconds) },
    claimsPerSecond: round(totalSeconds > 0 ? finals / totalSeconds : 0),
    errors: errors.slice(0, 20),
  };
}

/** The human-readable summary. */
export function formatSummary(summary: SimulatorSummary): string {
  const lines = [
    `simulated ${summary.claims} claims against ${summary.url} (concurrency ${summary.concurrency}${summary.encrypted ? ', JWE uploads' : ''}, seed base ${summary.seedBase})`,
    `outcomes: ${Object.entries(summary.outcomes)
      .map(([status, count]) => `${status} ${count}`)
      .join(', ')}${summary.allFinal ? ' — every claim in a final state' : ' — NOT every claim reached a final state'}`,
    '',
    `${'planted'.padEnd(18)} ${'claims'.padStart(6)} ${'inconsistent'.padStart(12)} ${'needs_review'.padStart(12)} ${'consistent'.padStart(10)}`,
    ...Object.entries(summary.byPlanted).map(
      ([kind, entry]) =>
        `${kind.padEnd(18)} ${String(entry.total).padStart(6)} ${String(entry.inconsistent).padStart(12)} ${String(entry.needsReview).padStart(12)} ${String(entry.consistent).padStart(10)}`,
    ),
    '',
    `flags vs planted (claim level, inconsistent = flagged): precision ${summary.flag.precision.toFixed(3)}, recall ${summary.flag.recall.toFixed(3)} (TP ${summary.flag.truePositive}, FP ${summary.flag.falsePositive}, FN ${summary.flag.falseNegative}, TN ${summary.flag.trueNegative})`,
    `routing: auto-cleared ${summary.routing.autoCleared}, of which ${summary.routing.falseClears} had a planted problem (false-clear rate ${summary.routing.falseClearRate === null ? '–' : `${(summary.routing.falseClearRate * 100).toFixed(2)}%`}); review rate ${(summary.routing.reviewRate * 100).toFixed(1)}% (${summary.routing.flagged} flagged, ${summary.routing.uncertain} uncertain)`,
    `${summary.requests.total} requests, ${summary.requests.errors} errors, ${summary.photos} photos`,
    `filing took ${summary.seconds.filing.toFixed(1)} s; first request to last result ${summary.seconds.total.toFixed(1)} s: ${summary.claimsPerSecond.toFixed(2)} claims/s`,
  ];
  if (summary.webhooks) {
    const hooks = summary.webhooks;
    lines.push(
      '',
      `webhooks at ${hooks.url}: ${hooks.received} deliveries, ${hooks.verified} verified, ${hooks.failedVerification} failed verification, ${hooks.duplicates} duplicates; ` +
        Object.entries(hooks.byType)
          .map(([type, count]) => `${type} ${count}`)
          .join(', '),
      `change → webhook delivery (ms):`,
      ...Object.entries(hooks.latencyMs).map(
        ([type, stat]) =>
          `  ${type.padEnd(30)} p50 ${String(stat.p50).padStart(6)}  p99 ${String(stat.p99).padStart(6)}  max ${String(stat.max).padStart(6)}  (${stat.count})`,
      ),
      `information requests answered with another photo: ${hooks.informationRequestsAnswered}`,
      ...hooks.informationRequestErrors.map((error) => `  answer failed: ${error}`),
    );
  }
  if (summary.errors.length > 0) lines.push('', 'errors (first 20):', ...summary.errors.map((error) => `  ${error}`));
  return lines.join('\n');
}
