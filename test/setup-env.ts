// E2E tests run against the real PostgreSQL server and Redis of this machine (CI starts them).
process.env.NODE_ENV = 'test';
process.env.LOG_LEVEL = process.env.TEST_LOG_LEVEL ?? 'silent';
process.env.TEST_POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
process.env.REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
// Most suites sign in admins and compliance officers with a password only: the second factor that
// production requires of those roles (MFA_REQUIRED_ROLES, default admin,compliance) is switched off
// here, and test/identity*.e2e-spec.ts turn it on per app (TestAppOptions.env) to prove enforcement.
process.env.MFA_REQUIRED_ROLES = process.env.MFA_REQUIRED_ROLES ?? '';
