/**
 * Where sealed (encrypted) evidence bytes live. Only sealed bytes ever reach a store; it never sees
 * plaintext. Keys are `photos/<claimId>/<photoId>/<variant>` for photo evidence.
 */
export interface BlobStore {
  /** Writes (or replaces) a blob atomically: a reader sees the old bytes or the new, never a part. */
  put(key: string, sealed: Buffer): Promise<void>;
  /** Throws BlobNotFoundError when there is none. */
  get(key: string): Promise<Buffer>;
  /** Idempotent: deleting a missing blob is not an error. */
  delete(key: string): Promise<void>;
  exists(key: string): Promise<boolean>;
  keys(prefix?: string): AsyncIterable<string>;
  /** Keys with their size and when they were written (the sweeper's grace period needs the age). */
  entries(prefix?: string): AsyncIterable<BlobEntry>;
}

export interface BlobEntry {
  key: string;
  size: number;
  createdAt: Date;
}

export const BLOB_STORE = Symbol('BLOB_STORE');

export class BlobNotFoundError extends Error {
  override name = 'BlobNotFoundError';
  constructor(readonly key: string) {
    super(`blob not found: ${key}`);
  }
}

export class InvalidBlobKeyError extends Error {
  override name = 'InvalidBlobKeyError';
  constructor(key: unknown) {
    super(
      `invalid blob key ${JSON.stringify(String(key)).slice(0, 120)}: segments of [A-Za-z0-9._-] starting with a letter or digit, joined by "/", at most 200 characters`,
    );
  }
}

const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
export const MAX_BLOB_KEY_LENGTH = 200;

/** Checks a key: relative, `/`-separated segments, no `.`/`..`, no empty segment, no backslash or NUL. */
export function assertBlobKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0 || key.length > MAX_BLOB_KEY_LENGTH)
    throw new InvalidBlobKeyError(key);
  for (const segment of key.split('/')) if (!SEGMENT.test(segment)) throw new InvalidBlobKeyError(key);
}

/** A prefix may end with `/` (or be empty); otherwise the same rules as a key. */
export function assertBlobPrefix(prefix: string): void {
  if (prefix === '') return;
  assertBlobKey(prefix.endsWith('/') ? prefix.slice(0, -1) : prefix);
}

/** The key of a photo's blob. */
export function photoBlobKey(claimId: string, photoId: string, variant: 'original' | 'preview' | 'thumbnail'): string {
  const key = `photos/${claimId}/${photoId}/${variant}`;
  assertBlobKey(key);
  return key;
}

/** The photo id in a `photos/<claimId>/<photoId>/<variant>` key, or undefined. */
export function photoIdOfBlobKey(key: string): string | undefined {
  const parts = key.split('/');
  return parts.length === 4 && parts[0] === 'photos' ? parts[2] : undefined;
}
