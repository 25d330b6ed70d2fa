import type { ModuleRef } from '@nestjs/core';
import Bull from 'bull';
import * as os from 'node:os';
import type { AuditContext, Caller } from '../audit/audit-context';
import { AuditService } from '../audit/audit.service';
import { AbilityFactory } from '../auth/ability.factory';
import { AccessService } from '../auth/access.service';
import { ApiClientsRepository } from '../auth/api-clients.repository';
import { flag, option, type CliCommand, type CliContext } from '../cli/cli-command';
import type { Actor } from '../common/actor';
import { SystemClock } from '../common/clock';
import { loadConfigOrExit } from '../common/process-entry';
import type { AppConfig } from '../config/app-config';
import { EnvelopeCrypto } from '../crypto/envelope-crypto';
import { KeyRing } from '../crypto/key-ring';
import { TransactionRunner } from '../database/transaction-runner';
import { JobQueueService } from '../jobs/job-queue.service';
import { QueueName } from '../jobs/job-registry';
import type { RepeatableJobs } from '../jobs/repeatable-jobs.service';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository';
import { WebhookDeliveryService } from './webhook-delivery.service';
import { WebhookEndpointsRepository } from './webhook-endpoints.repository';
import { WebhookEndpointsService } from './webhook-endpoints.service';
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from './webhook-events';
import { WebhookEventsRepository } from './webhook-events.repository';
import { WebhookSecrets } from './webhook-secrets';
import { WebhookTransport } from './webhook-transport';
import type { WebhookEndpointView } from './webhooks.views';

class UsageError extends Error {}

/** The operator acts with an admin's rules (any client's endpoints), audited as the CLI's OS user. */
const OPERATOR: Actor = { kind: 'user', id: 'cli', role: 'admin', team: 'ops', email: 'cli@localhost' };

function cliContext(): AuditContext {
  let who = 'unknown';
  try {
    who = os.userInfo().username;
  } catch {
    // no passwd entry (containers)
  }
  return { actorType: 'system', actorId: `cli:${who}`, requestId: null, sourceIp: null };
}

/**
 * The webhook service outside Nest (the CLI does not boot the app): the same service, repositories and
 * rules as the API; redelivery puts its job on the `webhooks` Bull queue of REDIS_URL.
 */
async function withService<T>(cli: CliContext, work: (service: WebhookEndpointsService, caller: Caller) => Promise<T>) {
  const config: AppConfig = loadConfigOrExit();
  const database = await cli.openDatabase(config);
  let queue: Bull.Queue | undefined;
  try {
    const clock = new SystemClock();
    const audit = new AuditService(new TransactionRunner(database.dataSource), clock);
    const endpoints = new WebhookEndpointsRepository(database.dataSource);
    const deliveries = new WebhookDeliveriesRepository(database.dataSource);
    const secrets = new WebhookSecrets(new EnvelopeCrypto(new KeyRing(config)));
    const transport = new WebhookTransport();
    const moduleRef = {
      get: () => (queue ??= new Bull(QueueName.Webhooks, config.redis.url, { prefix: config.queue.prefix })),
    } as unknown as ModuleRef;
    const delivery = new WebhookDeliveryService(
      audit,
      clock,
      new JobQueueService(moduleRef, config),
      undefined as unknown as RepeatableJobs,
      moduleRef,
      endpoints,
      new WebhookEventsRepository(database.dataSource),
      deliveries,
      secrets,
      transport,
      config,
    );
    const service = new WebhookEndpointsService(
      audit,
      new AccessService(),
      clock,
      endpoints,
      deliveries,
      delivery,
      new ApiClientsRepository(database.dataSource),
      secrets,
      transport,
      config,
    );
    const caller: Caller = {
      actor: OPERATOR,
      ability: new AbilityFactory().createForActor(OPERATOR),
      audit: cliContext(),
    };
    return await work(service, caller);
  } finally {
    await queue?.close();
    await database.close();
  }
}

function required(args: string[], name: string): string {
  const value = option(args, name);
  if (!value) throw new UsageError(`--${name} is required`);
  return value;
}

function events(raw: string | undefined): WebhookEventType[] | undefined {
  if (raw === undefined) return undefined;
  const list = raw
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  const unknown = list.filter((item) => !(WEBHOOK_EVENT_TYPES as readonly string[]).includes(item));
  if (list.length === 0 || unknown.length > 0)
    throw new UsageError(`--events takes a comma-separated list of ${WEBHOOK_EVENT_TYPES.join(', ')}`);
  return list as WebhookEventType[];
}

function print(json: boolean, value: unknown, lines: string[]): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${lines.join('\n')}\n`);
}

function describe(endpoint: WebhookEndpointView): string {
  const state = endpoint.enabled ? 'enabled' : `DISABLED (${endpoint.disabledReason ?? 'no reason'})`;
  const failing = endpoint.failingSince ? `; failing since ${endpoint.failingSince}: ${endpoint.lastError}` : '';
  return `${endpoint.id}  client ${endpoint.clientId}  ${endpoint.url}  [${endpoint.events.join(', ')}]  ${state}${failing}`;
}

/** Webhook commands of the operator CLI (`npm run cli -- webhooks:…`); changes are audited like the API's. */
export const WEBHOOK_COMMANDS: Record<string, CliCommand> = {
  'webhooks:list': {
    summary: "webhook endpoints, all or one API client's: [--client-id C] [--json]",
    run: async (args, cli) => {
      const items = await withService(cli, (service, caller) =>
        service.list(caller.ability, option(args, 'client-id') || undefined),
      );
      print(flag(args, 'json'), { items }, items.length === 0 ? ['no webhook endpoints'] : items.map(describe));
    },
  },
  'webhooks:create': {
    summary:
      'register an endpoint for an API client: --client-id C --url U --events a,b [--json]; prints the secret once',
    run: async (args, cli) => {
      const input = {
        clientId: required(args, 'client-id'),
        url: required(args, 'url'),
        events: events(required(args, 'events'))!,
      };
      const created = await withService(cli, (service, caller) => service.create(caller, input));
      print(flag(args, 'json'), created, [
        `created webhook endpoint ${created.id}`,
        `signing secret (shown once, give it to the receiver now): ${created.secret}`,
      ]);
    },
  },
  'webhooks:update': {
    summary: 'change an endpoint: --id I [--url U] [--events a,b] [--enable | --disable] [--json]',
    run: async (args, cli) => {
      if (flag(args, 'enable') && flag(args, 'disable')) throw new UsageError('--enable or --disable, not both');
      const change = {
        url: option(args, 'url') || undefined,
        events: events(option(args, 'events')),
        enabled: flag(args, 'enable') ? true : flag(args, 'disable') ? false : undefined,
      };
      const updated = await withService(cli, (service, caller) => service.update(caller, required(args, 'id'), change));
      print(flag(args, 'json'), updated, [describe(updated)]);
    },
  },
  'webhooks:delete': {
    summary: 'delete an endpoint and its delivery log: --id I [--json]',
    run: async (args, cli) => {
      const deleted = await withService(cli, (service, caller) => service.remove(caller, required(args, 'id')));
      print(flag(args, 'json'), deleted, [`deleted webhook endpoint ${deleted.id} (${deleted.url})`]);
    },
  },
  'webhooks:rotate-secret': {
    summary: 'new signing secret (the old one also signs for WEBHOOKS_SECRET_OVERLAP_S): --id I [--json]',
    run: async (args, cli) => {
      const rotated = await withService(cli, (service, caller) => service.rotateSecret(caller, required(args, 'id')));
      print(flag(args, 'json'), rotated, [
        `new signing secret (shown once): ${rotated.secret}`,
        `the previous secret also signs until ${rotated.previousSecretExpiresAt}`,
      ]);
    },
  },
  'webhooks:deliveries': {
    summary: 'the delivery log of an endpoint: --id I [--status pending|delivered|failed] [--page N] [--json]',
    run: async (args, cli) => {
      const status = option(args, 'status') || undefined;
      if (status && !['pending', 'delivered', 'failed'].includes(status))
        throw new UsageError('--status is pending, delivered or failed');
      const page = Number(option(args, 'page') || '1');
      if (!Number.isInteger(page) || page < 1) throw new UsageError('--page needs a positive integer');
      const result = await withService(cli, (service, caller) =>
        service.listDeliveries(caller.ability, required(args, 'id'), {
          page,
          status: status as 'pending' | 'delivered' | 'failed' | undefined,
        }),
      );
      const lines = [`${result.total} deliveries (page ${result.page})`];
      for (const item of result.items) {
        lines.push(`${item.id}  ${item.eventType} ${item.eventId}  ${item.status}, ${item.attempts} attempt(s)`);
        for (const attempt of item.attemptLog)
          lines.push(
            `    #${attempt.attempt} ${attempt.attemptedAt} ${attempt.trigger}: ${attempt.statusCode ?? '-'} ${attempt.errorClass ?? 'ok'} ${attempt.latencyMs} ms`,
          );
      }
      print(flag(args, 'json'), result, lines);
    },
  },
  'webhooks:redeliver': {
    summary: 'send a delivery again (same webhook-id): --id I --delivery D [--json]',
    run: async (args, cli) => {
      const result = await withService(cli, (service, caller) =>
        service.redeliver(caller, required(args, 'id'), required(args, 'delivery')),
      );
      print(flag(args, 'json'), result, [`queued attempt ${result.attempt} of delivery ${result.deliveryId}`]);
    },
  },
};
