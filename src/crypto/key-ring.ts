import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { createSecretFileOnce, writeSecretFileAtomic } from './key-files';

/** A key-encryption key (KEK): 32 random bytes, identified by a positive version number. */
export interface MasterKey {
  readonly version: number;
  readonly key: Buffer;
  readonly createdAt: string | null;
}

/** The key ring cannot be read or changed; the message names the variable or file, never key bytes. */
export class KeyRingError extends Error {
  override name = 'KeyRingError';
}

/** A data key was wrapped by a KEK version that is not (or no longer) in the ring. */
export class UnknownKeyVersionError extends KeyRingError {
  constructor(
    readonly version: number,
    source: string,
  ) {
    super(
      `master key version ${version} is not in the key ring (${source}); was it retired, or is this host missing the current key ring?`,
    );
  }
}

interface KeyRingFile {
  format: 1;
  keys: Array<{ version: number; key: string; createdAt: string }>;
}

const KEY_BYTES = 32;

function decodeKey(encoded: string, where: string): Buffer {
  const trimmed = encoded.trim();
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) throw new KeyRingError(`${where} is not base64`);
  const key = Buffer.from(trimmed, trimmed.includes('-') || trimmed.includes('_') ? 'base64url' : 'base64');
  if (key.length !== KEY_BYTES)
    throw new KeyRingError(`${where} must decode to ${KEY_BYTES} bytes (got ${key.length})`);
  return key;
}

function parseVersion(raw: string, where: string): number {
  if (!/^\d+$/.test(raw.trim()) || Number(raw) < 1 || !Number.isSafeInteger(Number(raw)))
    throw new KeyRingError(`${where}: version must be a positive integer`);
  return Number(raw);
}

function checkUnique(keys: MasterKey[], source: string): MasterKey[] {
  const seen = new Set<number>();
  for (const key of keys) {
    if (seen.has(key.version)) throw new KeyRingError(`${source}: version ${key.version} appears twice`);
    seen.add(key.version);
  }
  if (keys.length === 0) throw new KeyRingError(`${source} holds no keys`);
  return [...keys].sort((a, b) => a.version - b.version);
}

/** Parses MASTER_KEYS (`VERSION:BASE64,VERSION:BASE64`). Errors name the variable and the entry, never the key. */
export function parseMasterKeysVariable(raw: string): MasterKey[] {
  const entries = raw
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
  const keys = entries.map((entry, index) => {
    const where = `MASTER_KEYS entry ${index + 1}`;
    const colon = entry.indexOf(':');
    if (colon === -1)
      throw new KeyRingError(
        `${where} must be VERSION:BASE64 (32 random bytes, e.g. from \`openssl rand -base64 32\`)`,
      );
    return {
      version: parseVersion(entry.slice(0, colon), where),
      key: decodeKey(entry.slice(colon + 1), where),
      createdAt: null,
    };
  });
  return checkUnique(keys, 'MASTER_KEYS');
}

/** Parses the JSON key ring file. Errors name the file (and MASTER_KEYS_FILE), never the key. */
export function parseMasterKeysFile(text: string, file: string): MasterKey[] {
  const source = `MASTER_KEYS_FILE (${file})`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new KeyRingError(`${source} is not valid JSON`);
  }
  const ring = parsed as Partial<KeyRingFile>;
  if (typeof ring !== 'object' || ring === null || ring.format !== 1 || !Array.isArray(ring.keys)) {
    throw new KeyRingError(`${source} must be {"format":1,"keys":[{"version":1,"key":"<base64>","createdAt":"..."}]}`);
  }
  const keys = ring.keys.map((entry, index) => {
    const where = `${source} keys[${index}]`;
    if (typeof entry !== 'object' || entry === null || typeof entry.key !== 'string')
      throw new KeyRingError(`${where} must have a version and a base64 key`);
    return {
      version: parseVersion(String(entry.version), where),
      key: decodeKey(entry.key, where),
      createdAt: typeof entry.createdAt === 'string' ? entry.createdAt : null,
    };
  });
  return checkUnique(keys, source);
}

function serialise(keys: readonly MasterKey[]): string {
  const file: KeyRingFile = {
    format: 1,
    keys: keys.map((key) => ({
      version: key.version,
      key: key.key.toString('base64'),
      createdAt: key.createdAt ?? new Date().toISOString(),
    })),
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}

/**
 * The versioned key-encryption keys. Source: MASTER_KEYS (read-only; rotate by adding a version to
 * the variable and restarting) or the JSON file MASTER_KEYS_FILE (created with one random key on
 * first use, mode 0600, written atomically; `keys:rotate` adds versions, `keys:retire` removes them).
 * The highest version is the active one: it wraps every new data key. The file is re-read whenever
 * it changes, so a long-running API picks up a rotation done by the CLI on the same (shared) file.
 */
@Injectable()
export class KeyRing {
  private cache: { stamp: string; keys: MasterKey[] } | undefined;

  constructor(@Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'crypto'>) {}

  /** 'env' (MASTER_KEYS, read-only) or 'file'. */
  get source(): 'env' | 'file' {
    return this.config.crypto.masterKeys === undefined ? 'file' : 'env';
  }

  get description(): string {
    return this.source === 'env' ? 'MASTER_KEYS' : `MASTER_KEYS_FILE (${this.config.crypto.masterKeysFile})`;
  }

  /** All keys, lowest version first. */
  keys(): readonly MasterKey[] {
    return this.load();
  }

  versions(): number[] {
    return this.load().map((key) => key.version);
  }

  active(): MasterKey {
    const keys = this.load();
    return keys[keys.length - 1];
  }

  key(version: number): Buffer {
    let found = this.load().find((key) => key.version === version);
    if (!found && this.source === 'file') {
      this.cache = undefined; // the file may have changed within the stat granularity
      found = this.load().find((key) => key.version === version);
    }
    if (!found) throw new UnknownKeyVersionError(version, this.description);
    return found.key;
  }

  /** Adds a new random key as the next version (file ring only) and returns its version. */
  rotate(): number {
    const keys = this.requireFileRing('rotate');
    const version = keys[keys.length - 1].version + 1;
    this.writeFile([...keys, { version, key: randomBytes(KEY_BYTES), createdAt: new Date().toISOString() }]);
    return version;
  }

  /** Removes a version (file ring only). The caller checks first that no data key still uses it. */
  retire(version: number): void {
    const keys = this.requireFileRing('retire');
    if (!keys.some((key) => key.version === version))
      throw new KeyRingError(`version ${version} is not in the key ring`);
    if (keys[keys.length - 1].version === version)
      throw new KeyRingError(`version ${version} is the active key and cannot be retired; rotate first`);
    this.writeFile(keys.filter((key) => key.version !== version));
  }

  private requireFileRing(operation: string): readonly MasterKey[] {
    if (this.source === 'env') {
      throw new KeyRingError(
        `MASTER_KEYS is set, so the key ring is read-only: to ${operation}, change MASTER_KEYS (add or remove a VERSION:BASE64 entry) on every host and restart`,
      );
    }
    this.cache = undefined;
    return this.load();
  }

  private writeFile(keys: MasterKey[]): void {
    writeSecretFileAtomic(this.config.crypto.masterKeysFile, serialise(keys));
    this.cache = undefined;
  }

  private load(): MasterKey[] {
    const raw = this.config.crypto.masterKeys;
    if (raw !== undefined) {
      if (!this.cache) this.cache = { stamp: 'env', keys: parseMasterKeysVariable(raw) };
      return this.cache.keys;
    }
    const file = this.config.crypto.masterKeysFile;
    let stat: fs.Stats;
    try {
      stat = fs.statSync(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
        throw new KeyRingError(`MASTER_KEYS_FILE (${file}) cannot be read: ${(error as Error).message}`);
      createSecretFileOnce(
        file,
        serialise([{ version: 1, key: randomBytes(KEY_BYTES), createdAt: new Date().toISOString() }]),
      );
      stat = fs.statSync(file);
    }
    const stamp = `${stat.ino}:${stat.size}:${stat.mtimeMs}`;
    if (this.cache?.stamp === stamp) return this.cache.keys;
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (error) {
      throw new KeyRingError(`MASTER_KEYS_FILE (${file}) cannot be read: ${(error as Error).message}`);
    }
    this.cache = { stamp, keys: parseMasterKeysFile(text, file) };
    return this.cache.keys;
  }
}
