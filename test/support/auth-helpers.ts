import { randomBytes } from 'node:crypto';
import request from 'supertest';
import type { AuditContext } from '../../src/audit/audit-context';
import { ApiClientsService } from '../../src/auth/api-clients.service';
import type { StaffRole } from '../../src/common/actor';
import { UsersService } from '../../src/auth/users.service';
import type { TestApp } from './test-app';

/** Test set-up writes are audited like any other, as the system actor "test". */
export const TEST_CONTEXT: AuditContext = { actorType: 'system', actorId: 'test-setup' };

export interface TestUser {
  readonly id: string;
  readonly email: string;
  readonly password: string;
  readonly role: StaffRole;
  readonly team: string;
}

/** Creates a person directly through the UsersService (no admin token needed). */
export async function createUser(
  testApp: TestApp,
  options: { role: StaffRole; team?: string; email?: string; password?: string },
): Promise<TestUser> {
  const team = options.team ?? 'team-a';
  const email = (options.email ?? `${options.role}-${randomBytes(4).toString('hex')}@example.test`).toLowerCase();
  const password = options.password ?? `pw-${randomBytes(12).toString('base64url')}`;
  const { user } = await testApp.app
    .get(UsersService)
    .create(TEST_CONTEXT, { email, role: options.role, team, password });
  return { id: user.id, email: user.email, password, role: user.role, team: user.team };
}

export interface LoginResult {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  user: { id: string; email: string; role: StaffRole; team: string };
}

/** Logs in over HTTP; returns the whole answer. */
export async function loginFull(testApp: TestApp, email: string, password: string): Promise<LoginResult> {
  const response = await request(testApp.app.getHttpServer()).post('/v1/auth/login').send({ email, password });
  if (response.status !== 200)
    throw new Error(`login failed with ${response.status}: ${JSON.stringify(response.body)}`);
  return response.body as LoginResult;
}

/** Logs in over HTTP and returns the access token. */
export async function login(testApp: TestApp, email: string, password: string): Promise<string> {
  return (await loginFull(testApp, email, password)).accessToken;
}

/** A fresh user of `role` in `team`, logged in: its access token. */
export async function tokenFor(testApp: TestApp, role: StaffRole, team = 'team-a'): Promise<string> {
  const user = await createUser(testApp, { role, team });
  return login(testApp, user.email, user.password);
}

/** An intake API client in `team`, with its one API key. */
export async function createIntakeClient(
  testApp: TestApp,
  team = 'team-a',
  name?: string,
): Promise<{ id: string; apiKey: string; keyId: string }> {
  const created = await testApp.app
    .get(ApiClientsService)
    .create(TEST_CONTEXT, { name: name ?? `intake-${randomBytes(3).toString('hex')}`, team });
  return { id: created.id, apiKey: created.apiKey, keyId: created.keyId };
}
