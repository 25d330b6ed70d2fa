import * as fs from 'node:fs';
import * as path from 'node:path';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../migrations';
import type { AppConfig } from '../config/app-config';
import { openEmbeddedDatabase, type EmbeddedDatabase } from './embedded-postgres';

export interface DatabaseHandle {
  readonly dataSource: DataSource;
  readonly embedded: EmbeddedDatabase | undefined;
  readonly description: string;
  close(): Promise<void>;
}

/** A URL for logs: the password is never printed. */
export function describeDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = parsed.password ? '***' : '';
    return parsed.toString();
  } catch {
    return '<unparseable DATABASE_URL>';
  }
}

export interface OpenDatabaseOptions {
  /** Every entity class of the service (src/entities.ts lists them; this folder imports no feature). */
  readonly entities: NonNullable<DataSourceOptions['entities']>;
  /** Defaults to the configured DATABASE_MIGRATIONS_RUN. */
  readonly runMigrations?: boolean;
}

function baseOptions(
  entities: OpenDatabaseOptions['entities'],
): Pick<DataSourceOptions, 'entities' | 'migrations' | 'synchronize' | 'migrationsTableName' | 'logging'> {
  return {
    entities,
    migrations: MIGRATIONS,
    synchronize: false,
    migrationsTableName: 'schema_migrations',
    logging: false,
  };
}

/**
 * Connects to PostgreSQL (DATABASE_URL) or opens the embedded PGlite database under DATA_DIR/pg.
 * Fails with a one-line reason when the server cannot be reached.
 */
export async function openDatabase(config: AppConfig, options: OpenDatabaseOptions): Promise<DatabaseHandle> {
  const runMigrations = options.runMigrations ?? config.database.migrationsRun;
  let dataSource: DataSource;
  let embedded: EmbeddedDatabase | undefined;
  let description: string;
  if (config.database.url) {
    description = describeDatabaseUrl(config.database.url);
    dataSource = new DataSource({
      type: 'postgres',
      url: config.database.url,
      ...baseOptions(options.entities),
      poolSize: config.database.poolSize,
      connectTimeoutMS: config.database.connectTimeoutMs,
      extra: { max: config.database.poolSize, connectionTimeoutMillis: config.database.connectTimeoutMs },
    });
  } else {
    fs.mkdirSync(path.dirname(config.database.embeddedDir), { recursive: true });
    embedded = await openEmbeddedDatabase(config.database.embeddedDir);
    description = `embedded PostgreSQL (PGlite) at ${config.database.embeddedDir}`;
    dataSource = new DataSource({ type: 'postgres', ...baseOptions(options.entities), ...embedded.connectionOptions });
  }
  try {
    await dataSource.initialize();
    guardPoolClients(dataSource);
    if (runMigrations) await dataSource.runMigrations({ transaction: 'each' });
  } catch (error) {
    if (dataSource.isInitialized) await dataSource.destroy().catch(() => undefined);
    await embedded?.close();
    throw new DatabaseUnavailableError(description, error);
  }
  return {
    dataSource,
    embedded,
    description,
    async close() {
      if (dataSource.isInitialized) await dataSource.destroy();
      await embedded?.close();
    },
  };
}

interface EventedClient {
  on(event: 'error', listener: (error: Error) => void): unknown;
}
interface PgPoolLike {
  on(event: 'connect', listener: (client: EventedClient) => void): unknown;
  _clients?: EventedClient[];
}

/**
 * Every pooled connection gets an 'error' listener of its own. pg emits 'error' on a client that has no query in
 * flight when the server ends its session (e.g. `57P01 terminating connection due to administrator command` during a
 * PostgreSQL restart). The pool listens only to idle clients and TypeORM only while a query runner holds one, so a
 * client in between would crash the process with an unhandled 'error' event. The failure itself still reaches the
 * query that next uses the connection (the pool drops broken clients); this only keeps the process alive.
 */
function guardPoolClients(dataSource: DataSource): void {
  const pool = (dataSource.driver as unknown as { master?: PgPoolLike }).master;
  if (!pool || typeof pool.on !== 'function') return;
  const ignore = (): void => undefined;
  for (const client of pool._clients ?? []) client.on('error', ignore);
  pool.on('connect', (client) => client.on('error', ignore));
}

export class DatabaseUnavailableError extends Error {
  constructor(description: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message.split('\n')[0] : String(cause);
    super(`database not usable (${description}): ${reason}`);
    this.name = 'DatabaseUnavailableError';
  }
}
