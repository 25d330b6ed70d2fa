import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { RequestMethod } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { PUBLIC_ROUTE, ROUTE_POLICY } from '../src/common/access.decorators';
import { NO_POLICY_MESSAGE } from '../src/auth/access.guard';
import { createIntakeClient, tokenFor } from './support/auth-helpers';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * The access matrix: THE table of route-level expectations. Every route the Express router of the
 * real app serves must be here; a new route without a row fails this test, so none ships unreviewed.
 *   'public'         anyone, signed in or not, gets past the guard
 *   [roles...]       those roles get past the guard (2xx, or a 4xx that is not 401/403: validation, 404);
 *                    every other signed-in role gets 403, anonymous gets 401
 */
type Role = 'intake' | 'adjuster' | 'supervisor' | 'compliance' | 'admin';
type Expectation = 'public' | readonly Role[];

const STAFF_ADMIN: readonly Role[] = ['admin'];
const AUDIT_READERS: readonly Role[] = ['compliance', 'admin'];

const ACCESS_MATRIX: Record<string, Expectation> = {
  'GET /health/live': 'public',
  'GET /health/ready': 'public',
  'GET /metrics': 'public',
  'GET /api/docs': 'public',
  'GET /api/docs/': 'public',
  'GET /api/docs/index.html': 'public',
  'GET /api/docs/LICENSE': 'public',
  'GET /api/docs/swagger-ui-init.js': 'public',
  'GET /api/docs/docs/swagger-ui-init.js': 'public',
  'GET /api/docs-json': 'public',
  'GET /api/docs-yaml': 'public',
  'POST /v1/auth/login': 'public',
  'POST /v1/auth/refresh': 'public',
  'POST /v1/auth/logout': 'public',
  'GET /v1/auth/me': 'public',
  // Identity lifecycle (src/auth/README.md, src/mfa/README.md): the token in the body is the credential.
  'POST /v1/auth/password': 'public',
  'POST /v1/auth/mfa/verify': 'public',
  'POST /v1/auth/mfa/enrolment': 'public',
  'POST /v1/auth/mfa/enrolment/confirm': 'public',
  'GET /v1/users/access-review': AUDIT_READERS,
  'GET /v1/users/access-review.csv': AUDIT_READERS,
  'PATCH /v1/users/:id': STAFF_ADMIN,
  'POST /v1/users/:id/disable': STAFF_ADMIN,
  'POST /v1/users/:id/enable': STAFF_ADMIN,
  'POST /v1/users/:id/password-reset': STAFF_ADMIN,
  'POST /v1/users/:id/mfa-reset': STAFF_ADMIN,
  'POST /v1/api-clients/:id/rotate-key': STAFF_ADMIN,
  'POST /v1/users': STAFF_ADMIN,
  'GET /v1/users': STAFF_ADMIN,
  'POST /v1/api-clients': STAFF_ADMIN,
  'GET /v1/api-clients': STAFF_ADMIN,
  'POST /v1/api-clients/:id/keys': STAFF_ADMIN,
  'DELETE /v1/api-clients/:id/keys/:keyId': STAFF_ADMIN,
  'POST /v1/api-clients/:id/revoke': STAFF_ADMIN,
  'POST /v1/ops/probe-jobs': STAFF_ADMIN,
  'GET /v1/ops/probe-jobs/:probeId': STAFF_ADMIN,
  'GET /v1/scoring/backfill': STAFF_ADMIN,
  'GET /v1/audit/events': AUDIT_READERS,
  'GET /v1/audit/checkpoints': AUDIT_READERS,
  'POST /v1/audit/checkpoints': AUDIT_READERS,
  'GET /v1/audit/verify': AUDIT_READERS,
  'GET /v1/audit/export': AUDIT_READERS,
  'GET /v1/audit/claims/:claimId/export': AUDIT_READERS,
  'GET /v1/audit/events/:index/proof': AUDIT_READERS,
  // The log's public face (like a CT log's): origin, sizes and hashes only.
  'GET /v1/audit/tree-head': 'public',
  'POST /v1/audit/tree-head/cosignatures': 'public',
  'GET /v1/audit/tree-head/cosignatures': 'public',
  'GET /v1/audit/consistency': 'public',
  'GET /v1/keys/intake': ['intake', 'admin'],
  'POST /v1/policies': ['intake', 'admin'],
  // Staff read the policy a claim is judged against; an intake system reads its own policies only (row level).
  'GET /v1/policies/:id': ['intake', 'adjuster', 'supervisor', 'compliance', 'admin'],
  'POST /v1/claims': ['intake'],
  'GET /v1/claims': ['intake', 'adjuster', 'supervisor', 'compliance'],
  'GET /v1/claims/:id': ['intake', 'adjuster', 'supervisor', 'compliance'],
  'POST /v1/claims/:id/submit': ['intake'],
  'POST /v1/claims/:id/close': ['intake'],
  // The answer to an information request (src/review/README.md): the submitting intake system only.
  'POST /v1/claims/:id/resubmit': ['intake'],
  'GET /v1/claims/:id/validation': ['adjuster', 'supervisor', 'compliance'],
  'GET /v1/thresholds': STAFF_ADMIN,
  'GET /v1/metrics/quality': ['supervisor', 'admin'],
  'PUT /v1/thresholds/:line/:kind': STAFF_ADMIN,
  // Calibrations of the thresholds (src/validation/README.md): read with the quality report, changed by admins only.
  'GET /v1/calibrations': ['supervisor', 'admin'],
  'POST /v1/calibrations/fit': STAFF_ADMIN,
  'POST /v1/calibrations/what-if': STAFF_ADMIN,
  'POST /v1/calibrations/:line/versions': STAFF_ADMIN,
  'POST /v1/calibrations/:line/rollback': STAFF_ADMIN,
  'POST /v1/claims/:claimId/photos': ['intake'],
  // Compliance passes only with X-Access-Justification (not sent here): without one it is a 403.
  'GET /v1/claims/:claimId/photos/:photoId/content': ['adjuster', 'supervisor'],
  'GET /v1/claims/:claimId/photos/:photoId/metadata': ['adjuster', 'supervisor'],
  'GET /v1/claims/:claimId/photos/:photoId/match': ['adjuster', 'supervisor'],
  'GET /v1/claims/:claimId/photos/:photoId/match/preview': ['adjuster', 'supervisor'],
  // Review (src/review/README.md): people in a team's review; intake, compliance and admin never see tasks.
  'GET /v1/review/tasks': ['adjuster', 'supervisor'],
  'GET /v1/review/tasks/:id': ['adjuster', 'supervisor'],
  'POST /v1/review/tasks/next': ['adjuster', 'supervisor'],
  'POST /v1/review/tasks/:id/assign': ['adjuster', 'supervisor'],
  'POST /v1/review/tasks/reassign': ['supervisor'],
  'GET /v1/review/dashboard': ['supervisor'],
  'POST /v1/review/tasks/:id/decision': ['adjuster', 'supervisor'],
  // Only supervisors override; compliance may never change a decision, admin neither.
  'POST /v1/review/tasks/:id/override': ['supervisor'],
  // The catalogue is for those who read or write decisions (admin reads no decisions).
  'GET /v1/review/reason-codes': ['adjuster', 'supervisor', 'compliance'],
  // Retention (src/retention/README.md): compliance officers only; admin neither sets retention nor holds.
  'GET /v1/retention/policies': ['compliance'],
  'POST /v1/retention/policies': ['compliance'],
  'POST /v1/retention/run': ['compliance'],
  'GET /v1/retention/upcoming': ['compliance'],
  'GET /v1/retention/receipts': ['compliance'],
  'GET /v1/retention/holds': ['compliance'],
  'POST /v1/retention/erasure-requests': ['compliance'],
  'GET /v1/retention/erasure-requests': ['compliance'],
  'POST /v1/claims/:id/legal-hold': ['compliance'],
  'DELETE /v1/claims/:id/legal-hold': ['compliance'],
  // Compliance console (issue 19): versioned retention with second-officer approval, holds by claim number, erasure workflow.
  'PATCH /v1/retention/policies/:key': ['compliance'],
  'POST /v1/retention/policies/:key/retire': ['compliance'],
  'GET /v1/retention/changes': ['compliance'],
  'GET /v1/retention/changes/:id': ['compliance'],
  'POST /v1/retention/changes/:id/approve': ['compliance'],
  'POST /v1/retention/changes/:id/reject': ['compliance'],
  'POST /v1/retention/holds': ['compliance'],
  'POST /v1/retention/erasure-requests/:id/execute': ['compliance'],
  'POST /v1/retention/erasure-requests/:id/status': ['compliance'],
  // Saved audit searches: each audit reader their own.
  'GET /v1/audit/saved-searches': AUDIT_READERS,
  'POST /v1/audit/saved-searches': AUDIT_READERS,
  'DELETE /v1/audit/saved-searches/:id': AUDIT_READERS,
  // Webhooks (src/webhooks/README.md): an intake system its own endpoints (others' answer 404), admins any.
  'POST /v1/webhooks': ['intake', 'admin'],
  'GET /v1/webhooks': ['intake', 'admin'],
  'GET /v1/webhooks/:id': ['intake', 'admin'],
  'PATCH /v1/webhooks/:id': ['intake', 'admin'],
  'DELETE /v1/webhooks/:id': ['intake', 'admin'],
  'POST /v1/webhooks/:id/rotate-secret': ['intake', 'admin'],
  'GET /v1/webhooks/:id/deliveries': ['intake', 'admin'],
  'POST /v1/webhooks/:id/deliveries/:deliveryId/redeliver': ['intake', 'admin'],
  // Model governance (src/governance/README.md): reports for quality readers, promotion for admins; heatmaps
  // show where in a photo the model looked, so they follow the photo-content rule.
  'GET /v1/models/shadow': ['supervisor', 'admin'],
  'POST /v1/models/shadow/promote': STAFF_ADMIN,
  'GET /v1/models/drift': ['supervisor', 'admin'],
  'POST /v1/claims/:id/checks/:checkId/heatmap': ['adjuster', 'supervisor'],
  'GET /v1/heatmaps/:id': ['adjuster', 'supervisor'],
};

const ROLES: readonly Role[] = ['intake', 'adjuster', 'supervisor', 'compliance', 'admin'];

interface ExpressLayer {
  route?: { path: string; methods: Record<string, boolean> };
}

/** Every endpoint of the Express router. `all()` registrations with a wildcard are Nest middleware (pino-http), not endpoints. */
function expressRoutes(testApp: TestApp): string[] {
  const express = testApp.app.getHttpAdapter().getInstance() as {
    router?: { stack: ExpressLayer[] };
    _router?: { stack: ExpressLayer[] };
  };
  const stack = (express.router ?? express._router)?.stack ?? [];
  const routes = new Set<string>();
  for (const layer of stack) {
    if (!layer.route) continue;
    const methods = Object.keys(layer.route.methods).filter((method) => layer.route!.methods[method]);
    if (methods.length > 10 && layer.route.path.includes('{*')) continue;
    for (const method of methods) routes.add(`${method.toUpperCase()} ${layer.route.path}`);
  }
  return [...routes].sort();
}

/** Every Nest controller handler with its declared access (public, policy, or none). */
function nestHandlers(testApp: TestApp): Array<{ route: string; declared: boolean }> {
  const handlers: Array<{ route: string; declared: boolean }> = [];
  for (const module of testApp.app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: never[]) => unknown) | undefined;
      if (!controller) continue;
      const prefixes = ([] as string[]).concat(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
      const classPublic = Reflect.getMetadata(PUBLIC_ROUTE, controller) === true;
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = (controller.prototype as Record<string, unknown>)[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const paths = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (paths === undefined || method === undefined) continue;
        const declared =
          classPublic ||
          Reflect.getMetadata(PUBLIC_ROUTE, handler) === true ||
          Reflect.getMetadata(ROUTE_POLICY, handler) !== undefined;
        for (const prefix of prefixes) {
          for (const path of ([] as string[]).concat(paths)) {
            const full = `/${[prefix, path]
              .map((part) => part.replace(/^\/+|\/+$/g, ''))
              .filter(Boolean)
              .join('/')}`;
            handlers.push({ route: `${RequestMethod[method]} ${full}`, declared });
          }
        }
      }
    }
  }
  return handlers;
}

describe('access matrix: every route × every role', () => {
  let testApp: TestApp;
  const credentials: Record<Role, Record<string, string>> = {} as Record<Role, Record<string, string>>;

  beforeAll(async () => {
    testApp = await startTestApp({ label: 'access_matrix' });
    for (const role of ROLES) {
      if (role === 'intake') credentials.intake = { 'X-API-Key': (await createIntakeClient(testApp)).apiKey };
      else credentials[role] = { Authorization: `Bearer ${await tokenFor(testApp, role)}` };
    }
  });

  afterAll(async () => {
    await testApp?.close();
  });

  it('every Nest handler declares @Public() or @RequirePolicy()', () => {
    const handlers = nestHandlers(testApp);
    expect(handlers.length).toBeGreaterThan(10);
    expect(handlers.filter((handler) => !handler.declared).map((handler) => handler.route)).toEqual([]);
  });

  it('every route of the router is in the access matrix (add the route to the access matrix)', () => {
    const routes = expressRoutes(testApp);
    const missing = routes.filter((route) => !(route in ACCESS_MATRIX));
    if (missing.length > 0)
      throw new Error(`add the route to the access matrix in test/access-matrix.e2e-spec.ts: ${missing.join(', ')}`);
    const nestMissing = nestHandlers(testApp)
      .map((handler) => handler.route)
      .filter((route) => !(route in ACCESS_MATRIX));
    if (nestMissing.length > 0)
      throw new Error(
        `add the route to the access matrix in test/access-matrix.e2e-spec.ts: ${nestMissing.join(', ')}`,
      );
    const stale = Object.keys(ACCESS_MATRIX).filter((route) => !routes.includes(route));
    expect(stale).toEqual([]);
  });

  it('each route answers each caller as the matrix says', async () => {
    const http = request(testApp.app.getHttpServer());
    const failures: string[] = [];
    for (const route of expressRoutes(testApp)) {
      const expectation = ACCESS_MATRIX[route];
      if (!expectation) continue;
      const [method, pattern] = route.split(' ');
      const url = pattern.replace(/:[A-Za-z]+/g, () => randomUUID());
      const callers: Array<Role | 'anonymous'> = ['anonymous', ...ROLES];
      for (const caller of callers) {
        let call = http[method.toLowerCase() as 'get' | 'post' | 'delete' | 'put' | 'patch'](url);
        for (const [name, value] of Object.entries(caller === 'anonymous' ? {} : credentials[caller]))
          call = call.set(name, value);
        const response = method === 'GET' || method === 'DELETE' ? await call : await call.send({});
        const status = response.status;
        const body = response.body as { message?: string };
        if (status === 500 && body?.message === NO_POLICY_MESSAGE) {
          failures.push(`${route} as ${caller}: ${NO_POLICY_MESSAGE}`);
          continue;
        }
        const passes = expectation === 'public' || (caller !== 'anonymous' && expectation.includes(caller));
        const expected = passes ? 'past the guard (2xx or 4xx, not 401/403)' : caller === 'anonymous' ? '401' : '403';
        const ok = passes
          ? status !== 401 && status !== 403 && status < 500
          : status === (caller === 'anonymous' ? 401 : 403);
        if (!ok) failures.push(`${route} as ${caller}: expected ${expected}, got ${status}`);
      }
    }
    expect(failures).toEqual([]);
  });
});
