/**
 * C2SP tlog-cosignature (https://c2sp.org/tlog-cosignature): a witness's Ed25519 signature over a
 * log's checkpoint, saying "at `time` I had verified that this checkpoint is consistent with every
 * earlier one I saw". Pure: no I/O, no clock (the caller passes the time).
 *
 * - signed message: "cosignature/v1\ntime <unix seconds>\n" ‖ checkpoint body
 * - signature line: "— <witness name> base64(key id (4) ‖ timestamp (8, big-endian) ‖ Ed25519 signature (64))"
 * - key id: the first 4 bytes of SHA-256(name ‖ "\n" ‖ 0x04 ‖ public key)
 * - verifier key: "<name>+<key id, 8 hex>+base64(0x04 ‖ public key)"
 */
import { createHash, sign, verify, type KeyObject } from 'node:crypto';
import { privateKeyFromSeed, publicKeyFromRaw, rawPublicKey } from './signed-note';

export const COSIGNATURE_ALGORITHM = 0x04;
const EM_DASH = '\u2014';

export interface CosignatureVerifier {
  name: string;
  /** 4 bytes. */
  keyId: Buffer;
  /** Raw 32-byte Ed25519 public key. */
  publicKey: Buffer;
}

export interface Cosignature {
  name: string;
  /** 8 hex digits. */
  keyId: string;
  /** Unix seconds. */
  timestamp: number;
  /** 64 bytes. */
  signature: Buffer;
}

export function cosignatureKeyId(name: string, publicKeyRaw: Uint8Array): Buffer {
  return createHash('sha256')
    .update(Buffer.from(`${name}\n`, 'utf8'))
    .update(Buffer.from([COSIGNATURE_ALGORITHM]))
    .update(publicKeyRaw)
    .digest()
    .subarray(0, 4);
}

/** The bytes a cosignature signs. */
export function cosignedMessage(checkpointBody: string, timestamp: number): Buffer {
  checkTimestamp(timestamp);
  if (!checkpointBody.endsWith('\n')) throw new SyntaxError('cosignature: the checkpoint body must end with a newline');
  return Buffer.from(`cosignature/v1\ntime ${timestamp}\n${checkpointBody}`, 'utf8');
}

export function formatCosignatureVerifierKey(name: string, publicKeyRaw: Uint8Array): string {
  checkName(name);
  if (publicKeyRaw.length !== 32) throw new RangeError('an Ed25519 public key is 32 bytes');
  const keyId = cosignatureKeyId(name, publicKeyRaw).toString('hex');
  return `${name}+${keyId}+${Buffer.concat([Buffer.from([COSIGNATURE_ALGORITHM]), publicKeyRaw]).toString('base64')}`;
}

export function parseCosignatureVerifierKey(vkey: string): CosignatureVerifier {
  const match = /^([^+]+)\+([^+]+)\+(.+)$/s.exec(vkey.trim());
  if (!match) throw new SyntaxError('witness key: expected name+keyid+key');
  const [, name, keyIdHex, keyText] = match;
  checkName(name);
  if (!/^[0-9a-f]{8}$/.test(keyIdHex)) throw new SyntaxError('witness key: the key id is not 8 hex digits');
  const key = strictBase64(keyText);
  if (!key || key.length !== 33 || key[0] !== COSIGNATURE_ALGORITHM)
    throw new SyntaxError('witness key: not a cosignature/v1 Ed25519 key (0x04 ‖ 32 bytes)');
  const publicKey = key.subarray(1);
  const keyId = cosignatureKeyId(name, publicKey);
  if (keyId.toString('hex') !== keyIdHex) throw new SyntaxError('witness key: the key id does not match name and key');
  return { name, keyId, publicKey };
}

/** A cosignature line ("— name base64…\n") over `checkpointBody` at `timestamp`. */
export function cosign(
  checkpointBody: string,
  signer: { name: string; privateKey: KeyObject | Uint8Array },
  timestamp: number,
): string {
  checkName(signer.name);
  const key = signer.privateKey instanceof Uint8Array ? privateKeyFromSeed(signer.privateKey) : signer.privateKey;
  const keyId = cosignatureKeyId(signer.name, rawPublicKey(key));
  const time = Buffer.alloc(8);
  time.writeBigUInt64BE(BigInt(timestamp));
  const signature = sign(null, cosignedMessage(checkpointBody, timestamp), key);
  return `${EM_DASH} ${signer.name} ${Buffer.concat([keyId, time, signature]).toString('base64')}\n`;
}

/** Parses one cosignature line (with or without its newline); throws SyntaxError when malformed. */
export function parseCosignatureLine(line: string): Cosignature {
  const match = /^\u2014 (\S+) (\S+)\n?$/u.exec(line);
  if (!match) throw new SyntaxError('cosignature: expected "— <name> <base64>"');
  const [, name, encoded] = match;
  const bytes = strictBase64(encoded);
  if (!bytes || bytes.length !== 4 + 8 + 64)
    throw new SyntaxError('cosignature: not a cosignature/v1 signature (key id, timestamp, 64-byte signature)');
  const timestamp = bytes.readBigUInt64BE(4);
  if (timestamp > BigInt(Number.MAX_SAFE_INTEGER)) throw new SyntaxError('cosignature: timestamp out of range');
  return {
    name,
    keyId: bytes.subarray(0, 4).toString('hex'),
    timestamp: Number(timestamp),
    signature: bytes.subarray(12),
  };
}

/** The verifier (if any) whose key signed this cosignature over `checkpointBody`. */
export function verifyCosignature(
  checkpointBody: string,
  cosignature: Cosignature,
  verifiers: ReadonlyArray<CosignatureVerifier | string>,
): CosignatureVerifier | undefined {
  const keys = verifiers.map((v) => (typeof v === 'string' ? parseCosignatureVerifierKey(v) : v));
  const key = keys.find((k) => k.name === cosignature.name && k.keyId.toString('hex') === cosignature.keyId);
  if (!key) return undefined;
  try {
    return verify(
      null,
      cosignedMessage(checkpointBody, cosignature.timestamp),
      publicKeyFromRaw(key.publicKey),
      cosignature.signature,
    )
      ? key
      : undefined;
  } catch {
    return undefined;
  }
}

/** The note with cosignature lines appended after its signature lines. */
export function appendCosignatures(note: string, lines: readonly string[]): string {
  if (!note.endsWith('\n')) throw new SyntaxError('note: must end with a newline');
  return note + lines.map((line) => (line.endsWith('\n') ? line : `${line}\n`)).join('');
}

function checkTimestamp(timestamp: number): void {
  if (!Number.isSafeInteger(timestamp) || timestamp < 0)
    throw new RangeError('cosignature: the timestamp must be a non-negative integer number of seconds');
}

function checkName(name: string): void {
  if (name === '' || /\s/u.test(name) || name.includes('+'))
    throw new RangeError('witness name must be non-empty, without spaces or "+"');
}

function strictBase64(text: string): Buffer | undefined {
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(text)) return undefined;
  return Buffer.from(text, 'base64');
}
