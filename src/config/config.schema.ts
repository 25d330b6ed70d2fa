/**
 * Every environment variable the service reads, with its default, parser and description.
 * The README's configuration table is checked against this list by a test, so a new variable
 * cannot ship undocumented.
 */

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    readonly expected: string,
    readonly received: string | undefined,
  ) {
    super(
      `configuration error: ${variable} ${expected}${received === undefined ? '' : ` (got "${redactIfSecret(variable, received)}")`}`,
    );
    this.name = 'ConfigError';
  }
}

function redactIfSecret(variable: string, value: string): string {
  return /KEY|SECRET|PASSWORD|TOKEN/.test(variable)
    ? '<redacted>'
    : value.length > 120
      ? `${value.slice(0, 117)}...`
      : value;
}

type Parser<T> = (raw: string, variable: string) => T;

export interface VariableSpec<T> {
  readonly name: string;
  readonly defaultValue: string | undefined;
  readonly description: string;
  readonly parse: Parser<T>;
}

function spec<T>(
  name: string,
  defaultValue: string | undefined,
  description: string,
  parse: Parser<T>,
): VariableSpec<T> {
  return { name, defaultValue, description, parse };
}

export type TrustProxy = false | number | string[];

export const parsers = {
  string: (raw: string) => raw,
  trustProxy: ((raw: string, variable: string): TrustProxy => {
    const value = raw.trim().toLowerCase();
    if (['', '0', 'false', 'no', 'off'].includes(value)) return false;
    if (/^\d+$/.test(value)) return Number(value);
    if (['true', 'yes', 'on'].includes(value))
      throw new ConfigError(variable, 'must name the trusted proxies (hops or addresses), not trust everyone', raw);
    const items = value
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean);
    const valid = /^(loopback|linklocal|uniquelocal|[0-9a-f.:]+(\/\d{1,3})?)$/;
    if (items.length === 0 || items.some((item) => !valid.test(item)))
      throw new ConfigError(variable, 'must be false, a number of hops or comma-separated addresses/subnets', raw);
    return items;
  }) as Parser<TrustProxy>,
  integer:
    (min: number, max: number): Parser<number> =>
    (raw, variable) => {
      if (!/^-?\d+$/.test(raw.trim()))
        throw new ConfigError(variable, `must be an integer between ${min} and ${max}`, raw);
      const value = Number(raw);
      if (value < min || value > max)
        throw new ConfigError(variable, `must be an integer between ${min} and ${max}`, raw);
      return value;
    },
  number:
    (min: number, max: number): Parser<number> =>
    (raw, variable) => {
      const value = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(value) || value < min || value > max) {
        throw new ConfigError(variable, `must be a number between ${min} and ${max}`, raw);
      }
      return value;
    },
  boolean: ((raw: string, variable: string) => {
    const normalised = raw.trim().toLowerCase();
    if (['1', 'true', 'yes', 'on'].includes(normalised)) return true;
    if (['0', 'false', 'no', 'off', ''].includes(normalised)) return false;
    throw new ConfigError(variable, 'must be true or false', raw);
  }) as Parser<boolean>,
  oneOf:
    <T extends string>(...allowed: T[]): Parser<T> =>
    (raw, variable) => {
      if (!(allowed as string[]).includes(raw))
        throw new ConfigError(variable, `must be one of ${allowed.join(', ')}`, raw);
      return raw as T;
    },
  url:
    (...protocols: string[]): Parser<string> =>
    (raw, variable) => {
      let parsed: URL;
      try {
        parsed = new URL(raw);
      } catch {
        throw new ConfigError(variable, `must be a URL (${protocols.join(' or ')})`, raw);
      }
      if (!protocols.includes(parsed.protocol))
        throw new ConfigError(variable, `must be a URL (${protocols.join(' or ')})`, raw);
      return raw;
    },
  /** Comma-separated host names, IP addresses or CIDRs; empty is an empty list. */
  hostList: ((raw: string, variable: string): string[] => {
    const items = raw
      .split(',')
      .map((item) => item.trim().toLowerCase())
      .filter(Boolean);
    const hostOrCidr = /^([a-z0-9-]+(\.[a-z0-9-]+)*\.?|[0-9a-f.:]+(\/\d{1,3})?|\[[0-9a-f:]+\](\/\d{1,3})?)$/;
    const bad = items.filter((item) => !hostOrCidr.test(item));
    if (bad.length > 0)
      throw new ConfigError(variable, 'must be comma-separated host names, IP addresses or CIDRs', bad.join(','));
    return items;
  }) as Parser<string[]>,
  integerList:
    (min: number, max: number): Parser<number[]> =>
    (raw, variable) => {
      const items = raw.split(',').map((item) => item.trim());
      if (items.length === 0 || items.some((item) => !/^\d+$/.test(item) || Number(item) < min || Number(item) > max))
        throw new ConfigError(variable, `must be comma-separated integers between ${min} and ${max}`, raw);
      return items.map(Number);
    },
  list:
    (allowed?: readonly string[]): Parser<string[]> =>
    (raw, variable) => {
      const items = raw
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean);
      if (items.length === 0) throw new ConfigError(variable, 'must be a comma-separated list', raw);
      const unknown = allowed ? items.filter((item) => !allowed.includes(item)) : [];
      if (unknown.length > 0) throw new ConfigError(variable, `may only contain ${allowed!.join(', ')}`, raw);
      return items;
    },
};

export const CONFIG_VARIABLES = {
  NODE_ENV: spec(
    'NODE_ENV',
    'development',
    'Runtime mode: development, production or test.',
    parsers.oneOf('development', 'production', 'test'),
  ),
  HOST: spec('HOST', '0.0.0.0', 'Address the HTTP API listens on.', parsers.string),
  PORT: spec('PORT', '3000', 'HTTP port of the API.', parsers.integer(1, 65535)),
  LOG_LEVEL: spec(
    'LOG_LEVEL',
    'info',
    'pino log level.',
    parsers.oneOf('fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'),
  ),
  DATA_DIR: spec(
    'DATA_DIR',
    './data',
    'Folder for local state: the embedded database (DATA_DIR/pg) and file blobs (DATA_DIR/blobs).',
    parsers.string,
  ),
  DATABASE_URL: spec(
    'DATABASE_URL',
    undefined,
    'PostgreSQL connection URL (postgresql://user@host:port/db). Unset: an embedded PostgreSQL (PGlite) under DATA_DIR/pg, single process only.',
    parsers.url('postgres:', 'postgresql:'),
  ),
  DATABASE_POOL_SIZE: spec(
    'DATABASE_POOL_SIZE',
    '10',
    'Connections per process to a real PostgreSQL server.',
    parsers.integer(1, 200),
  ),
  DATABASE_CONNECT_TIMEOUT_MS: spec(
    'DATABASE_CONNECT_TIMEOUT_MS',
    '5000',
    'How long to wait for PostgreSQL to answer at start-up.',
    parsers.integer(100, 120000),
  ),
  MIGRATIONS_RUN: spec(
    'MIGRATIONS_RUN',
    'true',
    'Run pending migrations at start-up (turn off when a deploy step runs `npm run migration:run`).',
    parsers.boolean,
  ),
  REDIS_URL: spec(
    'REDIS_URL',
    'redis://127.0.0.1:6379',
    'Redis for the Bull queues.',
    parsers.url('redis:', 'rediss:'),
  ),
  REDIS_AUTOSTART: spec(
    'REDIS_AUTOSTART',
    'true',
    'When Redis is not reachable at the default local address and `redis-server` is on the PATH, `npm start` starts one as a child process (single-machine runs only).',
    parsers.boolean,
  ),
  QUEUE_PREFIX: spec(
    'QUEUE_PREFIX',
    'claims',
    'Key prefix of the Bull queues in Redis (lets several deployments or test runs share one Redis).',
    parsers.string,
  ),
  WORKER_CONCURRENCY: spec(
    'WORKER_CONCURRENCY',
    '2',
    'Jobs a worker process runs at once per queue.',
    parsers.integer(1, 64),
  ),
  JOB_ATTEMPTS: spec('JOB_ATTEMPTS', '5', 'Attempts per job before it is kept as failed.', parsers.integer(1, 50)),
  JOB_BACKOFF_MS: spec(
    'JOB_BACKOFF_MS',
    '1000',
    'First retry delay (exponential backoff).',
    parsers.integer(0, 600000),
  ),
  JOB_LOCK_DURATION_MS: spec(
    'JOB_LOCK_DURATION_MS',
    '30000',
    'How long a running job stays locked to its worker without a lock renewal; a job whose worker died (kill -9, lost host) is re-run by another worker after this.',
    parsers.integer(1000, 600000),
  ),
  JOB_STALLED_INTERVAL_MS: spec(
    'JOB_STALLED_INTERVAL_MS',
    '30000',
    'How often a worker looks for jobs whose lock expired (stalled) and puts them back in the queue.',
    parsers.integer(500, 600000),
  ),
  JOB_ENQUEUE_TIMEOUT_MS: spec(
    'JOB_ENQUEUE_TIMEOUT_MS',
    '2000',
    'How long a request waits for Redis to take a job before it answers 503 (the job queue is unavailable).',
    parsers.integer(100, 60000),
  ),
  SHUTDOWN_TIMEOUT_MS: spec(
    'SHUTDOWN_TIMEOUT_MS',
    '15000',
    'How long SIGTERM waits for HTTP requests and running jobs to finish.',
    parsers.integer(0, 600000),
  ),
  JWT_SECRET: spec(
    'JWT_SECRET',
    undefined,
    'HMAC secret (at least 32 characters) that signs access tokens (HS256). Unset: DATA_DIR/keys/jwt-secret, generated on first use (mode 0600); in production set it, or persist and share that file between replicas.',
    (raw, variable) => {
      if (raw.length < 32) throw new ConfigError(variable, 'must be at least 32 characters', raw);
      return raw;
    },
  ),
  JWT_ACCESS_TTL_S: spec(
    'JWT_ACCESS_TTL_S',
    '900',
    'Lifetime of an access token (JWT) in seconds.',
    parsers.integer(30, 86400),
  ),
  REFRESH_TTL_S: spec(
    'REFRESH_TTL_S',
    '1209600',
    'Lifetime of a refresh token in seconds (one use each; rotated on every refresh).',
    parsers.integer(60, 90 * 86400),
  ),
  LOGIN_MAX_FAILURES: spec(
    'LOGIN_MAX_FAILURES',
    '5',
    'Failed logins per account from one client address within LOGIN_WINDOW_S before that address gets 429 for that account (the owner elsewhere is unaffected); each failure also delays its answer (LOGIN_FAILURE_DELAY_MS).',
    parsers.integer(1, 1000),
  ),
  LOGIN_MAX_FAILURES_PER_IP: spec(
    'LOGIN_MAX_FAILURES_PER_IP',
    '30',
    'Failed logins per source IP within LOGIN_WINDOW_S before further attempts get 429.',
    parsers.integer(1, 100000),
  ),
  LOGIN_WINDOW_S: spec(
    'LOGIN_WINDOW_S',
    '900',
    'Window in seconds over which failed logins are counted (kept in Redis, shared by all replicas).',
    parsers.integer(1, 86400),
  ),
  LOGIN_FAILURE_DELAY_MS: spec(
    'LOGIN_FAILURE_DELAY_MS',
    '200',
    'Base delay added to a failed login; doubles with each further failure in the window, capped at 3 s (0: no delay).',
    parsers.integer(0, 10000),
  ),
  LOGIN_MAX_FAILURES_PER_ACCOUNT: spec(
    'LOGIN_MAX_FAILURES_PER_ACCOUNT',
    '50',
    'Ceiling on failed logins per account from all addresses together within LOGIN_WINDOW_S; above it every address gets 429 for that account until the window ends.',
    parsers.integer(1, 100000),
  ),
  MFA_REQUIRED_ROLES: spec(
    'MFA_REQUIRED_ROLES',
    'admin,compliance',
    'Comma-separated staff roles that must sign in with a TOTP code (a member without one enrols before getting a session); empty or `none`: nobody is forced (anyone enrolled is still asked for a code).',
    (raw, variable) =>
      raw.trim().toLowerCase() === 'none'
        ? []
        : parsers.list(['adjuster', 'supervisor', 'compliance', 'admin'])(raw, variable),
  ),
  MFA_CHALLENGE_TTL_S: spec(
    'MFA_CHALLENGE_TTL_S',
    '300',
    'Lifetime in seconds of the challenge token between the password step and the code (or enrolment) step of a sign-in.',
    parsers.integer(30, 3600),
  ),
  PASSWORD_RESET_TTL_S: spec(
    'PASSWORD_RESET_TTL_S',
    '86400',
    'Lifetime in seconds of a one-time set-password token an admin creates (POST /v1/users/:id/password-reset).',
    parsers.integer(300, 30 * 86400),
  ),
  API_KEY_ROTATION_OVERLAP_S: spec(
    'API_KEY_ROTATION_OVERLAP_S',
    '86400',
    'Default overlap window in seconds of an intake key rotation: the old key keeps working this long after a new one is issued (0: it stops at once).',
    parsers.integer(0, 90 * 86400),
  ),
  TRUST_PROXY: spec(
    'TRUST_PROXY',
    'false',
    "Which proxies may name the client address in X-Forwarded-For (Express `trust proxy`): false (off: the socket address is the client), a number of hops, or comma-separated addresses/subnets (e.g. loopback,10.0.0.0/8). Behind a load balancer, set it, or every client shares the balancer's address for login throttling and audit.",
    parsers.trustProxy,
  ),
  HTTP_HEADERS_TIMEOUT_MS: spec(
    'HTTP_HEADERS_TIMEOUT_MS',
    '20000',
    'How long a client may take to send the request headers before the connection is closed.',
    parsers.integer(1000, 600000),
  ),
  HTTP_REQUEST_TIMEOUT_MS: spec(
    'HTTP_REQUEST_TIMEOUT_MS',
    '30000',
    'How long a client may take to send a whole request (headers and body) other than a photo upload: slower bodies get 408 and the connection is closed.',
    parsers.integer(1000, 3600000),
  ),
  HTTP_UPLOAD_TIMEOUT_MS: spec(
    'HTTP_UPLOAD_TIMEOUT_MS',
    '120000',
    'Like HTTP_REQUEST_TIMEOUT_MS, for photo uploads (POST /v1/claims/:id/photos), which may be large.',
    parsers.integer(1000, 3600000),
  ),
  JSON_MAX_DEPTH: spec(
    'JSON_MAX_DEPTH',
    '32',
    'Deepest nesting of objects and arrays accepted in a JSON body; deeper bodies get 400.',
    parsers.integer(2, 1000),
  ),
  MASTER_KEYS: spec(
    'MASTER_KEYS',
    undefined,
    'Key-encryption keys for photo data keys, as comma-separated VERSION:BASE64 (32 random bytes each); the highest version wraps new keys. Set: the key ring is read-only (rotate by adding a version). Unset: MASTER_KEYS_FILE.',
    parsers.string,
  ),
  MASTER_KEYS_FILE: spec(
    'MASTER_KEYS_FILE',
    undefined,
    'JSON key ring used when MASTER_KEYS is unset; `npm run cli -- keys:rotate` adds versions to it. Unset: DATA_DIR/keys/master-keys.json, created with one key on first use (mode 0600).',
    parsers.string,
  ),
  INTAKE_KEY_FILE: spec(
    'INTAKE_KEY_FILE',
    undefined,
    'PEM file with the private key (P-256) that decrypts client-side encrypted uploads (JWE ECDH-ES+A256KW); its public half is published at /v1/keys/intake. Unset: DATA_DIR/keys/intake-p256.pem, created on first use.',
    parsers.string,
  ),
  BLOB_STORE: spec(
    'BLOB_STORE',
    'fs',
    'Where encrypted photo bytes live: fs (DATA_DIR/blobs, atomic writes) or postgres (bytea rows).',
    parsers.oneOf('fs', 'postgres'),
  ),
  PHOTO_MAX_BYTES: spec(
    'PHOTO_MAX_BYTES',
    '20971520',
    'Largest photo file accepted, in bytes.',
    parsers.integer(1024, 512 * 1024 * 1024),
  ),
  PHOTO_MAX_FILES_PER_REQUEST: spec(
    'PHOTO_MAX_FILES_PER_REQUEST',
    '20',
    'Most photos in one upload request.',
    parsers.integer(1, 500),
  ),
  PHOTO_MAX_FILES_PER_CLAIM: spec(
    'PHOTO_MAX_FILES_PER_CLAIM',
    '50',
    'Most photos one claim may hold.',
    parsers.integer(1, 5000),
  ),
  PHOTO_MAX_PIXELS: spec(
    'PHOTO_MAX_PIXELS',
    '50000000',
    'Largest image accepted, in pixels (width x height), against decompression bombs.',
    parsers.integer(1, 1_000_000_000),
  ),
  PHOTO_MIN_SIDE: spec(
    'PHOTO_MIN_SIDE',
    '32',
    'Smallest accepted width or height in pixels; smaller images cannot be judged.',
    parsers.integer(1, 4096),
  ),
  PHOTO_MAX_PIXELS_PER_REQUEST: spec(
    'PHOTO_MAX_PIXELS_PER_REQUEST',
    '250000000',
    'Most pixels one upload request may declare, summed over its files from their headers before anything is decoded (decoding is the costly part).',
    parsers.integer(1, 10_000_000_000),
  ),
  PHOTO_DECODE_CONCURRENCY: spec(
    'PHOTO_DECODE_CONCURRENCY',
    '2',
    'Photos decoded and checked at once per process; further photos wait in the decode queue.',
    parsers.integer(1, 64),
  ),
  PHOTO_DECODE_QUEUE: spec(
    'PHOTO_DECODE_QUEUE',
    '64',
    'Photos that may wait for a decode slot per process; an upload that finds the queue full gets 503 with Retry-After.',
    parsers.integer(0, 100000),
  ),
  MODELS_DIR: spec(
    'MODELS_DIR',
    './models',
    'Folder holding the model folders (models/<name>/manifest.json).',
    parsers.string,
  ),
  CLIP_MODEL: spec(
    'CLIP_MODEL',
    'fixture',
    'Model folder under MODELS_DIR (or an absolute path) used for scoring.',
    parsers.string,
  ),
  CLIP_EXECUTION_PROVIDERS: spec(
    'CLIP_EXECUTION_PROVIDERS',
    'cpu',
    'onnxruntime execution providers in order of preference, e.g. cuda,cpu or webgpu,cpu; CPU is always the last resort.',
    parsers.list(['cpu', 'cuda', 'webgpu', 'tensorrt', 'dml', 'coreml']),
  ),
  CLIP_BATCH_SIZE: spec('CLIP_BATCH_SIZE', '16', 'Most photos in one inference batch.', parsers.integer(1, 512)),
  CLIP_BATCH_WAIT_MS: spec(
    'CLIP_BATCH_WAIT_MS',
    '10',
    'How long the micro-batcher waits for more photos before running a partial batch.',
    parsers.integer(0, 10000),
  ),
  CLIP_INTRA_OP_THREADS: spec(
    'CLIP_INTRA_OP_THREADS',
    '0',
    'onnxruntime intra-op threads per session (0: onnxruntime decides).',
    parsers.integer(0, 256),
  ),
  CLIP_INTRA_OP_SPINNING: spec(
    'CLIP_INTRA_OP_SPINNING',
    'true',
    "Idle onnxruntime intra-op threads spin between operators (onnxruntime's default; fastest, measured in docs/benchmarks.md). false: they sleep, leaving that CPU to whatever shares the cores (an API in the same process, other services), at some inference speed.",
    parsers.boolean,
  ),
  SCORING_BACKFILL_CONCURRENCY: spec(
    'SCORING_BACKFILL_CONCURRENCY',
    '2',
    'Photos the re-embedding backfill (and other catch-up work) processes at once; it runs below intake in priority, so it never fills the inference queue.',
    parsers.integer(1, 64),
  ),
  REVIEW_QA_SAMPLE_RATE: spec(
    'REVIEW_QA_SAMPLE_RATE',
    '0.02',
    'Share of auto-cleared claims sent to review as a QA sample (deterministic per claim id).',
    parsers.number(0, 1),
  ),
  REVIEW_SLA_HOURS_FLAGGED: spec(
    'REVIEW_SLA_HOURS_FLAGGED',
    '24',
    'Hours to decide a review task opened because a check flagged the claim.',
    parsers.integer(1, 24 * 365),
  ),
  REVIEW_SLA_HOURS_UNCERTAIN: spec(
    'REVIEW_SLA_HOURS_UNCERTAIN',
    '48',
    'Hours to decide a review task opened because the evidence was uncertain.',
    parsers.integer(1, 24 * 365),
  ),
  REVIEW_SLA_HOURS_QA_SAMPLE: spec(
    'REVIEW_SLA_HOURS_QA_SAMPLE',
    '120',
    'Hours to decide a QA-sample review task.',
    parsers.integer(1, 24 * 365),
  ),
  INFORMATION_REQUEST_DUE_DAYS: spec(
    'INFORMATION_REQUEST_DUE_DAYS',
    '14',
    'Days an intake system has to answer an information request when the adjuster names no due date.',
    parsers.integer(1, 365),
  ),
  RETENTION_CHANGE_NOTICE_DAYS: spec(
    'RETENTION_CHANGE_NOTICE_DAYS',
    '30',
    "Notice period of a retention change that shortens retention (or makes data deletable sooner than this): it needs a second compliance officer's approval and takes effect no earlier than this many days after the approval.",
    parsers.integer(0, 3650),
  ),
  ERASURE_DUE_DAYS: spec(
    'ERASURE_DUE_DAYS',
    '30',
    'Days within which an erasure request must be answered, counted from when it was received (its due date).',
    parsers.integer(1, 365),
  ),
  INFORMATION_REQUEST_MAX_DUE_DAYS: spec(
    'INFORMATION_REQUEST_MAX_DUE_DAYS',
    '90',
    'Latest due date an adjuster may set on an information request, in days from now.',
    parsers.integer(1, 365),
  ),
  INFORMATION_REQUEST_EXPIRY_INTERVAL_MS: spec(
    'INFORMATION_REQUEST_EXPIRY_INTERVAL_MS',
    '300000',
    'How often the worker puts review tasks whose information request passed its due date unanswered back in the queue, marked no response (0: never automatically).',
    parsers.integer(0, 24 * 3600 * 1000),
  ),
  AUDIT_CHECKPOINT_INTERVAL_MS: spec(
    'AUDIT_CHECKPOINT_INTERVAL_MS',
    '3600000',
    'How often the worker sequences everything committed and signs an audit tree head even when the sequencer has not (0: never; the sequencer signs heads as the tree grows, see AUDIT_TREE_HEAD_INTERVAL_MS).',
    parsers.integer(0, 7 * 24 * 3600 * 1000),
  ),
  AUDIT_LOG_ORIGIN: spec(
    'AUDIT_LOG_ORIGIN',
    'claims-evidence.local/audit',
    "The audit log's origin: the first line of every signed tree head (C2SP tlog-checkpoint) and the key name of its signature. Unique per log; never change it for a running log.",
    (raw, variable) => {
      if (!/^[^\s+]+$/.test(raw)) throw new ConfigError(variable, 'must be non-empty without spaces or "+"', raw);
      return raw;
    },
  ),
  AUDIT_PREVIOUS_VERIFIER_KEYS: spec(
    'AUDIT_PREVIOUS_VERIFIER_KEYS',
    undefined,
    'Comma-separated C2SP verifier keys (name+keyid+base64) of earlier audit signing keys, kept so that tree heads signed before a key rotation still verify. `npm run cli -- audit:keys` prints the current one.',
    (raw, variable) => {
      const keys = raw
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean);
      for (const key of keys)
        if (!/^[^+\s]+\+[0-9a-f]{8}\+A[Q-Za-f][A-Za-z0-9+/]{42}$/.test(key))
          throw new ConfigError(variable, 'must list verifier keys name+keyid+base64(0x01 ‖ Ed25519 key)', raw);
      return keys;
    },
  ),
  AUDIT_SEQUENCER_BATCH_SIZE: spec(
    'AUDIT_SEQUENCER_BATCH_SIZE',
    '2000',
    'Most audit events the sequencer gives log indexes in one transaction.',
    parsers.integer(1, 100000),
  ),
  AUDIT_SEQUENCER_POLL_MS: spec(
    'AUDIT_SEQUENCER_POLL_MS',
    '50',
    'How long the sequencer sleeps after a batch that was not full; when it keeps finding nothing it backs off to up to 8× that, and a waiting standby polls 10× slower.',
    parsers.integer(5, 60000),
  ),
  AUDIT_SEQUENCER_LEASE_MS: spec(
    'AUDIT_SEQUENCER_LEASE_MS',
    '10000',
    'The sequencer lease: a standby worker takes over this long after the active sequencer stopped renewing it.',
    parsers.integer(500, 600000),
  ),
  AUDIT_TREE_HEAD_INTERVAL_MS: spec(
    'AUDIT_TREE_HEAD_INTERVAL_MS',
    '1000',
    'The sequencer signs a new tree head at most this often, when the tree grew.',
    parsers.integer(0, 24 * 3600 * 1000),
  ),
  AUDIT_WITNESS_KEYS: spec(
    'AUDIT_WITNESS_KEYS',
    undefined,
    "Comma-separated C2SP cosignature verifier keys (name+keyid+base64(0x04 ‖ Ed25519 key)) of the witnesses whose cosignatures the service accepts and verification trusts. `npm run witness -- --print-key` prints a witness's key.",
    (raw, variable) => {
      const keys = raw
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean);
      for (const key of keys)
        if (!/^[^+\s]+\+[0-9a-f]{8}\+B[A-P][A-Za-z0-9+/]{42}$/.test(key))
          throw new ConfigError(variable, 'must list witness keys name+keyid+base64(0x04 ‖ Ed25519 key)', raw);
      return keys;
    },
  ),
  AUDIT_WITNESS_URLS: spec(
    'AUDIT_WITNESS_URLS',
    undefined,
    "Comma-separated base URLs of witnesses (e.g. http://witness.internal:7380): `audit:verify` and `GET /v1/audit/verify` fetch each one's latest cosigned checkpoint (`GET <url>/checkpoint`) and history (`GET <url>/history`) and report the log as rolled back or forked when the database disagrees.",
    (raw, variable) => {
      const urls = raw
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean);
      for (const url of urls) {
        let parsed: URL;
        try {
          parsed = new URL(url);
        } catch {
          throw new ConfigError(variable, 'must list http(s) URLs', raw);
        }
        if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
          throw new ConfigError(variable, 'must list http(s) URLs', raw);
      }
      return urls;
    },
  ),
  DEMO: spec(
    'DEMO',
    'false',
    'On an empty database (no users yet), `npm start` fills it with demo people, an intake client, policies and scored claims, and prints the logins once (same as `npm start -- --demo`).',
    parsers.boolean,
  ),
  AUDIT_SIGNING_KEY_FILE: spec(
    'AUDIT_SIGNING_KEY_FILE',
    undefined,
    'PEM file with the current Ed25519 private key that signs audit tree heads. Unset: DATA_DIR/keys/audit-ed25519.pem, created on first use.',
    parsers.string,
  ),
  WEBHOOKS_ALLOWED_HOSTS: spec(
    'WEBHOOKS_ALLOWED_HOSTS',
    undefined,
    'Operator allow-list for webhook endpoints: comma-separated host names, IP addresses or CIDRs that may be loopback, private, link-local or otherwise non-public, and may use http:// (unset: only public https:// endpoints).',
    parsers.hostList,
  ),
  WEBHOOKS_RETRY_SCHEDULE_S: spec(
    'WEBHOOKS_RETRY_SCHEDULE_S',
    '5,300,1800,7200,18000,36000,36000',
    'Seconds to wait before each retry of a failed webhook delivery (one entry per retry; the default spans about 27 hours, then the delivery is abandoned).',
    parsers.integerList(0, 7 * 24 * 3600),
  ),
  WEBHOOKS_CONNECT_TIMEOUT_MS: spec(
    'WEBHOOKS_CONNECT_TIMEOUT_MS',
    '5000',
    'Time to resolve and connect to a webhook endpoint (TLS included) before the attempt fails.',
    parsers.integer(100, 120000),
  ),
  WEBHOOKS_RESPONSE_TIMEOUT_MS: spec(
    'WEBHOOKS_RESPONSE_TIMEOUT_MS',
    '15000',
    'Time a connected webhook endpoint has to answer before the attempt fails.',
    parsers.integer(100, 300000),
  ),
  WEBHOOKS_DISABLE_AFTER_DAYS: spec(
    'WEBHOOKS_DISABLE_AFTER_DAYS',
    '5',
    'A webhook endpoint whose deliveries failed continuously for this many days is disabled (its owner sees why and may re-enable it).',
    parsers.number(0.0001, 365),
  ),
  WEBHOOKS_SECRET_OVERLAP_S: spec(
    'WEBHOOKS_SECRET_OVERLAP_S',
    '86400',
    'After a webhook secret rotation, deliveries are signed with both the old and the new secret for this many seconds.',
    parsers.integer(0, 30 * 24 * 3600),
  ),
  WEBHOOKS_SWEEP_INTERVAL_MS: spec(
    'WEBHOOKS_SWEEP_INTERVAL_MS',
    '60000',
    'How often the worker re-queues webhook events and deliveries that missed the queue (Redis down at commit time).',
    parsers.integer(1000, 3600000),
  ),
  SHADOW_MODEL: spec(
    'SHADOW_MODEL',
    undefined,
    'Challenger model folder under MODELS_DIR (or an absolute path) that scores every claim beside CLIP_MODEL after the claim is routed, into shadow_scores only: it never changes a route (unset: no shadow model).',
    parsers.string,
  ),
  DRIFT_PSI_ALERT: spec(
    'DRIFT_PSI_ALERT',
    '0.2',
    "Population stability index of a check's scores this week against the model's reference above which drift is reported as an alert (quality page, model_score_drift_alert metric).",
    parsers.number(0, 100),
  ),
};
