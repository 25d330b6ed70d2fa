import type { INestApplicationContext } from '@nestjs/common';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AuditContext } from '../audit/audit-context';
import { AbilityFactory } from '../auth/ability.factory';
import type { Actor } from '../common/actor';
import { ApiClientsService } from '../auth/api-clients.service';
import { UsersRepository } from '../auth/users.repository';
import { UsersService } from '../auth/users.service';
import { ClaimsRepository } from '../claims/claims.repository';
import { ClaimsService } from '../claims/claims.service';
import type { AppConfig } from '../config/app-config';
import { PhotosService } from '../evidence/photos.service';
import type { CreatePolicyDto } from '../policies/policies.dto';
import { PoliciesService } from '../policies/policies.service';
import { INCIDENT_DATE, renderPlannedPhoto } from './claim-scenarios';
import {
  DEMO_AUTO_POLICY,
  DEMO_INTAKE_CLIENT,
  DEMO_PEOPLE,
  DEMO_PROPERTY_POLICY,
  demoAmount,
  demoDescription,
  demoScenarios,
} from './demo-data';

export interface DemoLogin {
  role: string;
  email: string;
  password: string;
  team: string;
}

export interface DemoSeedResult {
  logins: DemoLogin[];
  intakeApiKey: string;
  intakeKeyFile: string;
  claims: number;
  /** Claims per status once scoring settled (or the wait ran out). */
  byStatus: Record<string, number>;
  scoredWithinWait: boolean;
}

const SEED_CONTEXT: AuditContext = { actorType: 'system', actorId: 'demo-seed', requestId: null, sourceIp: null };
const FINAL = new Set(['consistent', 'inconsistent', 'needs_review', 'decided', 'closed']);

/** Where the demo keeps its intake key, so `npm run simulate` finds it beside an embedded database. */
export function demoIntakeKeyFile(config: AppConfig): string {
  return path.join(config.dataDir, 'keys', 'demo-intake-api-key');
}

export async function databaseHasUsers(app: INestApplicationContext): Promise<boolean> {
  return app.get(UsersRepository).anyExists();
}

/**
 * Fills an empty database with demo data through the same services the API uses, so every row
 * has its audit events and every claim is scored by the worker like any other. The caller checks
 * that the database has no users first (the demo runs once per database).
 */
export async function seedDemo(
  app: INestApplicationContext,
  config: AppConfig,
  options: { scoringWaitMs?: number; onProgress?: (line: string) => void } = {},
): Promise<DemoSeedResult> {
  const progress = options.onProgress ?? (() => undefined);
  const users = app.get(UsersService);
  const logins: DemoLogin[] = [];
  for (const person of DEMO_PEOPLE) {
    const created = await users.create(SEED_CONTEXT, {
      email: person.email,
      role: person.role,
      team: person.team,
      displayName: person.name,
    });
    logins.push({ role: person.role, email: person.email, password: created.generatedPassword!, team: person.team });
  }
  const client = await app.get(ApiClientsService).create(SEED_CONTEXT, DEMO_INTAKE_CLIENT);
  const keyFile = demoIntakeKeyFile(config);
  fs.mkdirSync(path.dirname(keyFile), { recursive: true, mode: 0o700 });
  fs.writeFileSync(keyFile, `${client.apiKey}\n`, { mode: 0o600 });

  // From here on the demo acts as the intake system: its actor, its ability, its audit context.
  const actor: Actor = { kind: 'api_client', id: client.id, team: client.team, name: client.name };
  const ability = app.get(AbilityFactory).createForActor(actor);
  const intake: AuditContext = { actorType: 'api_client', actorId: client.id, requestId: null, sourceIp: null };
  const policies = app.get(PoliciesService);
  const auto = await policies.create(intake, actor, DEMO_AUTO_POLICY as unknown as CreatePolicyDto);
  const property = await policies.create(intake, actor, DEMO_PROPERTY_POLICY as unknown as CreatePolicyDto);

  const claims = app.get(ClaimsService);
  const photos = app.get(PhotosService);
  const scenarios = demoScenarios();
  const rendered = new Map<string, Buffer>();
  const claimIds: string[] = [];
  for (const [index, scenario] of scenarios.entries()) {
    const reference = `DEMO-${String(index + 1).padStart(4, '0')}`;
    const { claim } = await claims.create(intake, actor, ability, `demo-${scenario.name}`, {
      policyId: scenario.policy === 'auto' ? auto.id : property.id,
      externalReference: reference,
      claimedPeril: scenario.claimedPeril,
      description: demoDescription(scenario.claimedPeril, index),
      incidentDate: INCIDENT_DATE,
      amount: demoAmount(index),
      currency: 'EUR',
      claimantRef: `CUST-${(4711 + index * 13).toString()}`,
      photoSource: (scenario.photoSource ?? 'camera') as never,
    });
    const files = [];
    for (const [photoIndex, plan] of scenario.photos.entries()) {
      const bytes = await renderPlannedPhoto(plan, rendered);
      if (photoIndex === 0) rendered.set(scenario.name, bytes);
      files.push({ fileName: `${reference.toLowerCase()}-${photoIndex + 1}.jpg`, buffer: bytes });
    }
    await photos.upload(intake, ability, claim.id, { kind: 'multipart', files });
    await claims.submit(intake, ability, claim.id);
    claimIds.push(claim.id);
    if ((index + 1) % 10 === 0) progress(`demo: ${index + 1}/${scenarios.length} claims filed`);
  }

  // Wait for the in-process worker, so the adjuster's queue is full when the logins appear.
  const claimRows = app.get(ClaimsRepository);
  const deadline = Date.now() + (options.scoringWaitMs ?? 300_000);
  let byStatus: Record<string, number> = {};
  let settled = false;
  while (Date.now() < deadline) {
    const rows = await claimRows.countByStatus(claimIds);
    byStatus = Object.fromEntries(rows.map((row) => [row.status, row.n]));
    settled = rows.every((row) => FINAL.has(row.status));
    if (settled) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return {
    logins,
    intakeApiKey: client.apiKey,
    intakeKeyFile: keyFile,
    claims: claimIds.length,
    byStatus,
    scoredWithinWait: settled,
  };
}

/** The one plain-text block the demo prints on stdout: where to go and how to sign in. */
export function demoBanner(url: string, result: DemoSeedResult): string {
  const statuses = Object.entries(result.byStatus)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([status, count]) => `${count} ${status}`)
    .join(', ');
  const lines = [
    'DEMO DATA READY — these passwords are shown once, now',
    '',
    `Open ${url} and sign in:`,
    '',
    ...result.logins.map((login) => `  ${login.role.padEnd(11)} ${login.email.padEnd(30)} ${login.password}`),
    '',
    'Roles in MFA_REQUIRED_ROLES (default admin, compliance) set up two-factor sign-in at their first sign-in:',
    'scan the QR code with an authenticator app, enter its code, keep the recovery codes (MFA_REQUIRED_ROLES= skips it).',
    '',
    `Intake API key (X-API-Key): ${result.intakeApiKey}`,
    `  also saved in ${result.intakeKeyFile} for npm run simulate`,
    '',
    `${result.claims} demo claims: ${statuses}${result.scoredWithinWait ? '' : ' (scoring still running)'}`,
    'Walkthrough: README.md, "Five-minute walkthrough".',
  ];
  const width = Math.max(...lines.map((line) => line.length));
  const rule = `+${'-'.repeat(width + 2)}+`;
  return ['', rule, ...lines.map((line) => `| ${line.padEnd(width)} |`), rule, ''].join('\n');
}
