import * as path from 'node:path';
import { CONFIG_VARIABLES, ConfigError, type TrustProxy, type VariableSpec } from './config.schema';

/** The typed, validated configuration. Built once at boot from the environment. */
export interface AppConfig {
  readonly nodeEnv: 'development' | 'production' | 'test';
  readonly host: string;
  readonly port: number;
  readonly http: {
    readonly trustProxy: TrustProxy;
    readonly headersTimeoutMs: number;
    readonly requestTimeoutMs: number;
    readonly uploadTimeoutMs: number;
    readonly jsonMaxDepth: number;
  };
  readonly logLevel: string;
  readonly dataDir: string;
  readonly database: {
    readonly url: string | undefined;
    readonly embeddedDir: string;
    readonly poolSize: number;
    readonly connectTimeoutMs: number;
    readonly migrationsRun: boolean;
  };
  readonly redis: { readonly url: string; readonly autostart: boolean };
  readonly queue: {
    readonly prefix: string;
    readonly concurrency: number;
    readonly attempts: number;
    readonly backoffMs: number;
    readonly lockDurationMs: number;
    readonly stalledIntervalMs: number;
    readonly enqueueTimeoutMs: number;
  };
  readonly shutdownTimeoutMs: number;
  readonly audit: {
    readonly checkpointIntervalMs: number;
    readonly signingKeyFile: string;
    readonly logOrigin: string;
    readonly previousVerifierKeys: readonly string[];
    /** C2SP cosignature vkeys of trusted witnesses. */
    readonly witnessKeys: readonly string[];
    /** Witness base URLs asked for their latest cosigned checkpoint when verifying. */
    readonly witnessUrls: readonly string[];
    readonly sequencer: {
      readonly batchSize: number;
      readonly pollMs: number;
      readonly leaseMs: number;
      readonly treeHeadIntervalMs: number;
    };
  };
  readonly crypto: {
    readonly masterKeys: string | undefined;
    readonly masterKeysFile: string;
    readonly intakeKeyFile: string;
  };
  readonly blobStore: 'fs' | 'postgres';
  readonly blobDir: string;
  readonly photos: {
    readonly maxBytes: number;
    readonly maxFilesPerRequest: number;
    readonly maxFilesPerClaim: number;
    readonly maxPixels: number;
    readonly minSide: number;
    readonly maxPixelsPerRequest: number;
    readonly decodeConcurrency: number;
    readonly decodeQueue: number;
  };
  readonly clip: {
    readonly modelsDir: string;
    readonly model: string;
    readonly executionProviders: string[];
    readonly batchSize: number;
    readonly batchWaitMs: number;
    readonly intraOpThreads: number;
    readonly intraOpSpinning: boolean;
    readonly backfillConcurrency: number;
  };
  /** Model governance (src/governance/README.md). */
  readonly governance: {
    /** The challenger model folder (SHADOW_MODEL), or null: no shadow scoring. */
    readonly shadowModel: string | null;
    readonly driftPsiAlert: number;
  };
  readonly webhooks: {
    /** Host names, addresses and CIDRs (lowercase) that may be non-public and use http://. */
    readonly allowedHosts: readonly string[];
    readonly retryScheduleS: readonly number[];
    readonly connectTimeoutMs: number;
    readonly responseTimeoutMs: number;
    readonly disableAfterDays: number;
    readonly secretOverlapS: number;
    readonly sweepIntervalMs: number;
  };
  readonly retention: {
    readonly changeNoticeDays: number;
    readonly erasureDueDays: number;
  };
  readonly review: {
    readonly qaSampleRate: number;
    readonly slaHours: { readonly flagged: number; readonly uncertain: number; readonly qa_sample: number };
    readonly informationRequests: {
      readonly defaultDueDays: number;
      readonly maxDueDays: number;
      readonly expiryIntervalMs: number;
    };
  };
  readonly auth: {
    /** Undefined: generated into `jwtSecretFile` on first use. */
    readonly jwtSecret: string | undefined;
    readonly jwtSecretFile: string;
    readonly accessTtlS: number;
    readonly refreshTtlS: number;
    readonly login: {
      /** Per (account, client address): the usual lockout, which leaves the owner elsewhere unaffected. */
      readonly maxFailuresPerAccountAddress: number;
      /** Per account from every address: the ceiling. */
      readonly maxFailuresPerAccount: number;
      readonly maxFailuresPerIp: number;
      readonly windowS: number;
      readonly failureDelayMs: number;
    };
    /** Roles that must sign in with a second factor (MFA_REQUIRED_ROLES; empty in the test suite). */
    readonly mfaRequiredRoles: readonly string[];
    readonly mfaChallengeTtlS: number;
    readonly passwordResetTtlS: number;
    readonly apiKeyRotationOverlapS: number;
  };
  /** Seed demo data into an empty database at start-up (DEMO=1 or `--demo`). */
  readonly demo: boolean;
}

export const APP_CONFIG = Symbol('APP_CONFIG');

type Env = Record<string, string | undefined>;

function read<T>(env: Env, variable: VariableSpec<T>): T {
  const raw = env[variable.name];
  const value = raw === undefined || raw === '' ? variable.defaultValue : raw;
  if (value === undefined) throw new ConfigError(variable.name, 'is required', undefined);
  return variable.parse(value, variable.name);
}

function readOptional<T>(env: Env, variable: VariableSpec<T>): T | undefined {
  const raw = env[variable.name];
  if (raw === undefined || raw === '') return undefined;
  return variable.parse(raw, variable.name);
}

/** Parses and validates the environment; throws ConfigError naming the first wrong variable. */
export function loadConfig(env: Env = process.env): AppConfig {
  const v = CONFIG_VARIABLES;
  const dataDir = path.resolve(read(env, v.DATA_DIR));
  return {
    nodeEnv: read(env, v.NODE_ENV),
    host: read(env, v.HOST),
    port: read(env, v.PORT),
    http: {
      trustProxy: read(env, v.TRUST_PROXY),
      headersTimeoutMs: read(env, v.HTTP_HEADERS_TIMEOUT_MS),
      requestTimeoutMs: read(env, v.HTTP_REQUEST_TIMEOUT_MS),
      uploadTimeoutMs: read(env, v.HTTP_UPLOAD_TIMEOUT_MS),
      jsonMaxDepth: read(env, v.JSON_MAX_DEPTH),
    },
    logLevel: read(env, v.LOG_LEVEL),
    dataDir,
    database: {
      url: readOptional(env, v.DATABASE_URL),
      embeddedDir: path.join(dataDir, 'pg'),
      poolSize: read(env, v.DATABASE_POOL_SIZE),
      connectTimeoutMs: read(env, v.DATABASE_CONNECT_TIMEOUT_MS),
      migrationsRun: read(env, v.MIGRATIONS_RUN),
    },
    redis: { url: read(env, v.REDIS_URL), autostart: read(env, v.REDIS_AUTOSTART) },
    queue: {
      prefix: read(env, v.QUEUE_PREFIX),
      concurrency: read(env, v.WORKER_CONCURRENCY),
      attempts: read(env, v.JOB_ATTEMPTS),
      backoffMs: read(env, v.JOB_BACKOFF_MS),
      lockDurationMs: read(env, v.JOB_LOCK_DURATION_MS),
      stalledIntervalMs: read(env, v.JOB_STALLED_INTERVAL_MS),
      enqueueTimeoutMs: read(env, v.JOB_ENQUEUE_TIMEOUT_MS),
    },
    shutdownTimeoutMs: read(env, v.SHUTDOWN_TIMEOUT_MS),
    audit: {
      checkpointIntervalMs: read(env, v.AUDIT_CHECKPOINT_INTERVAL_MS),
      signingKeyFile: readOptional(env, v.AUDIT_SIGNING_KEY_FILE) ?? path.join(dataDir, 'keys', 'audit-ed25519.pem'),
      logOrigin: read(env, v.AUDIT_LOG_ORIGIN),
      previousVerifierKeys: readOptional(env, v.AUDIT_PREVIOUS_VERIFIER_KEYS) ?? [],
      witnessKeys: readOptional(env, v.AUDIT_WITNESS_KEYS) ?? [],
      witnessUrls: readOptional(env, v.AUDIT_WITNESS_URLS) ?? [],
      sequencer: {
        batchSize: read(env, v.AUDIT_SEQUENCER_BATCH_SIZE),
        pollMs: read(env, v.AUDIT_SEQUENCER_POLL_MS),
        leaseMs: read(env, v.AUDIT_SEQUENCER_LEASE_MS),
        treeHeadIntervalMs: read(env, v.AUDIT_TREE_HEAD_INTERVAL_MS),
      },
    },
    crypto: {
      masterKeys: readOptional(env, v.MASTER_KEYS),
      masterKeysFile: readOptional(env, v.MASTER_KEYS_FILE) ?? path.join(dataDir, 'keys', 'master-keys.json'),
      intakeKeyFile: readOptional(env, v.INTAKE_KEY_FILE) ?? path.join(dataDir, 'keys', 'intake-p256.pem'),
    },
    blobStore: read(env, v.BLOB_STORE),
    blobDir: path.join(dataDir, 'blobs'),
    photos: {
      maxBytes: read(env, v.PHOTO_MAX_BYTES),
      maxFilesPerRequest: read(env, v.PHOTO_MAX_FILES_PER_REQUEST),
      maxFilesPerClaim: read(env, v.PHOTO_MAX_FILES_PER_CLAIM),
      maxPixels: read(env, v.PHOTO_MAX_PIXELS),
      minSide: read(env, v.PHOTO_MIN_SIDE),
      maxPixelsPerRequest: read(env, v.PHOTO_MAX_PIXELS_PER_REQUEST),
      decodeConcurrency: read(env, v.PHOTO_DECODE_CONCURRENCY),
      decodeQueue: read(env, v.PHOTO_DECODE_QUEUE),
    },
    clip: {
      modelsDir: path.resolve(read(env, v.MODELS_DIR)),
      model: read(env, v.CLIP_MODEL),
      executionProviders: read(env, v.CLIP_EXECUTION_PROVIDERS),
      batchSize: read(env, v.CLIP_BATCH_SIZE),
      batchWaitMs: read(env, v.CLIP_BATCH_WAIT_MS),
      intraOpThreads: read(env, v.CLIP_INTRA_OP_THREADS),
      intraOpSpinning: read(env, v.CLIP_INTRA_OP_SPINNING),
      backfillConcurrency: read(env, v.SCORING_BACKFILL_CONCURRENCY),
    },
    governance: {
      shadowModel: readOptional(env, v.SHADOW_MODEL) || null,
      driftPsiAlert: read(env, v.DRIFT_PSI_ALERT),
    },
    webhooks: {
      allowedHosts: readOptional(env, v.WEBHOOKS_ALLOWED_HOSTS) ?? [],
      retryScheduleS: read(env, v.WEBHOOKS_RETRY_SCHEDULE_S),
      connectTimeoutMs: read(env, v.WEBHOOKS_CONNECT_TIMEOUT_MS),
      responseTimeoutMs: read(env, v.WEBHOOKS_RESPONSE_TIMEOUT_MS),
      disableAfterDays: read(env, v.WEBHOOKS_DISABLE_AFTER_DAYS),
      secretOverlapS: read(env, v.WEBHOOKS_SECRET_OVERLAP_S),
      sweepIntervalMs: read(env, v.WEBHOOKS_SWEEP_INTERVAL_MS),
    },
    retention: {
      changeNoticeDays: read(env, v.RETENTION_CHANGE_NOTICE_DAYS),
      erasureDueDays: read(env, v.ERASURE_DUE_DAYS),
    },
    review: {
      qaSampleRate: read(env, v.REVIEW_QA_SAMPLE_RATE),
      slaHours: {
        flagged: read(env, v.REVIEW_SLA_HOURS_FLAGGED),
        uncertain: read(env, v.REVIEW_SLA_HOURS_UNCERTAIN),
        qa_sample: read(env, v.REVIEW_SLA_HOURS_QA_SAMPLE),
      },
      informationRequests: {
        defaultDueDays: read(env, v.INFORMATION_REQUEST_DUE_DAYS),
        maxDueDays: read(env, v.INFORMATION_REQUEST_MAX_DUE_DAYS),
        expiryIntervalMs: read(env, v.INFORMATION_REQUEST_EXPIRY_INTERVAL_MS),
      },
    },
    auth: {
      jwtSecret: readOptional(env, v.JWT_SECRET),
      jwtSecretFile: path.join(dataDir, 'keys', 'jwt-secret'),
      accessTtlS: read(env, v.JWT_ACCESS_TTL_S),
      refreshTtlS: read(env, v.REFRESH_TTL_S),
      login: {
        maxFailuresPerAccountAddress: read(env, v.LOGIN_MAX_FAILURES),
        maxFailuresPerAccount: read(env, v.LOGIN_MAX_FAILURES_PER_ACCOUNT),
        maxFailuresPerIp: read(env, v.LOGIN_MAX_FAILURES_PER_IP),
        windowS: read(env, v.LOGIN_WINDOW_S),
        failureDelayMs: read(env, v.LOGIN_FAILURE_DELAY_MS),
      },
      // Set but empty means "no role is forced" (the default applies only when the variable is absent).
      mfaRequiredRoles: env.MFA_REQUIRED_ROLES?.trim() === '' ? [] : read(env, v.MFA_REQUIRED_ROLES),
      mfaChallengeTtlS: read(env, v.MFA_CHALLENGE_TTL_S),
      passwordResetTtlS: read(env, v.PASSWORD_RESET_TTL_S),
      apiKeyRotationOverlapS: read(env, v.API_KEY_ROTATION_OVERLAP_S),
    },
    demo: read(env, v.DEMO),
  };
}
