/**
 * C2SP signed notes (https://c2sp.org/signed-note) with Ed25519 keys, and the checkpoint body of
 * C2SP tlog-checkpoint (https://c2sp.org/tlog-checkpoint). Pure: no I/O, no clock.
 *
 * A note is a UTF-8 text ending in a newline, a blank line, then one line per signature:
 * "— <name> <base64(key id (4 bytes) ‖ signature)>\n" (U+2014 EM DASH, a space). An Ed25519
 * signature signs the text's bytes (with its final newline); the key id is the first 4 bytes of
 * SHA-256(name ‖ "\n" ‖ 0x01 ‖ public key). A verifier key is written
 * "<name>+<key id, 8 hex digits>+<base64(0x01 ‖ public key)>".
 */
import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

export const ED25519_ALGORITHM = 0x01;
const EM_DASH = '\u2014';
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

// ---------------------------------------------------------------------------------------------
// tlog-checkpoint

export interface Checkpoint {
  /** The log's unique identity, e.g. "claims-evidence.local/audit". */
  origin: string;
  size: number;
  rootHash: Buffer;
  /** Optional extension lines after the root hash (without their newlines). */
  extensions?: string[];
}

/** The checkpoint body: origin, decimal size, base64 root hash, extension lines, each ending "\n". */
export function formatCheckpoint(checkpoint: Checkpoint): string {
  checkName(checkpoint.origin, 'origin', false);
  if (!Number.isSafeInteger(checkpoint.size) || checkpoint.size < 0)
    throw new RangeError('checkpoint size must be a non-negative integer');
  if (checkpoint.rootHash.length !== 32) throw new RangeError('checkpoint root hash must be 32 bytes');
  const extensions = checkpoint.extensions ?? [];
  for (const line of extensions) {
    if (line === '' || line.includes('\n'))
      throw new RangeError('checkpoint extension lines must be non-empty single lines');
  }
  return [checkpoint.origin, String(checkpoint.size), checkpoint.rootHash.toString('base64'), ...extensions]
    .map((line) => `${line}\n`)
    .join('');
}

/** Parses a checkpoint body (or a whole note: everything from the blank line on is ignored). */
export function parseCheckpoint(text: string): Checkpoint {
  const body = text.includes('\n\n') ? text.slice(0, text.indexOf('\n\n') + 1) : text;
  if (!body.endsWith('\n')) throw new SyntaxError('checkpoint: the body must end with a newline');
  const lines = body.slice(0, -1).split('\n');
  if (lines.length < 3) throw new SyntaxError('checkpoint: needs an origin, a size and a root hash line');
  const [origin, sizeText, rootText, ...extensions] = lines;
  if (origin === '') throw new SyntaxError('checkpoint: empty origin line');
  if (!/^(0|[1-9][0-9]*)$/.test(sizeText)) throw new SyntaxError('checkpoint: the size is not a decimal number');
  const size = Number(sizeText);
  if (!Number.isSafeInteger(size)) throw new SyntaxError('checkpoint: the size is too large');
  const rootHash = strictBase64(rootText);
  if (!rootHash || rootHash.length !== 32) throw new SyntaxError('checkpoint: the root hash is not 32 bytes of base64');
  if (extensions.some((line) => line === '')) throw new SyntaxError('checkpoint: empty extension line');
  return { origin, size, rootHash, ...(extensions.length > 0 ? { extensions } : {}) };
}

// ---------------------------------------------------------------------------------------------
// keys

/** The raw 32-byte Ed25519 public key of a public or private KeyObject. */
export function rawPublicKey(key: KeyObject): Buffer {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  if (publicKey.asymmetricKeyType !== 'ed25519') throw new TypeError('not an Ed25519 key');
  return Buffer.from(publicKey.export({ format: 'jwk' }).x as string, 'base64url');
}

export function publicKeyFromRaw(raw: Uint8Array): KeyObject {
  if (raw.length !== 32) throw new RangeError('an Ed25519 public key is 32 bytes');
  return createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, raw]), format: 'der', type: 'spki' });
}

export function privateKeyFromSeed(seed: Uint8Array): KeyObject {
  if (seed.length !== 32) throw new RangeError('an Ed25519 seed is 32 bytes');
  return createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });
}

/** First 4 bytes of SHA-256(name ‖ "\n" ‖ 0x01 ‖ public key). */
export function noteKeyId(name: string, publicKeyRaw: Uint8Array): Buffer {
  return createHash('sha256')
    .update(Buffer.from(`${name}\n`, 'utf8'))
    .update(Buffer.from([ED25519_ALGORITHM]))
    .update(publicKeyRaw)
    .digest()
    .subarray(0, 4);
}

export interface NoteVerifier {
  name: string;
  /** 4 bytes. */
  keyId: Buffer;
  /** Raw 32-byte Ed25519 public key. */
  publicKey: Buffer;
}

/** "name+hex8(keyid)+base64(0x01 ‖ pubkey)". */
export function formatVerifierKey(name: string, publicKeyRaw: Uint8Array): string {
  checkName(name, 'key name', true);
  if (publicKeyRaw.length !== 32) throw new RangeError('an Ed25519 public key is 32 bytes');
  const keyId = noteKeyId(name, publicKeyRaw).toString('hex');
  return `${name}+${keyId}+${Buffer.concat([Buffer.from([ED25519_ALGORITHM]), publicKeyRaw]).toString('base64')}`;
}

export function parseVerifierKey(vkey: string): NoteVerifier {
  // The base64 key may itself contain "+": split at the first two only.
  const match = /^([^+]+)\+([^+]+)\+(.+)$/s.exec(vkey.trim());
  if (!match) throw new SyntaxError('verifier key: expected name+keyid+key');
  const [, name, keyIdHex, keyText] = match;
  checkName(name, 'verifier key name', true);
  if (!/^[0-9a-f]{8}$/.test(keyIdHex)) throw new SyntaxError('verifier key: the key id is not 8 hex digits');
  const key = strictBase64(keyText);
  if (!key || key.length !== 33 || key[0] !== ED25519_ALGORITHM)
    throw new SyntaxError('verifier key: not an Ed25519 key (0x01 ‖ 32 bytes)');
  const publicKey = key.subarray(1);
  const keyId = noteKeyId(name, publicKey);
  if (keyId.toString('hex') !== keyIdHex) throw new SyntaxError('verifier key: the key id does not match name and key');
  return { name, keyId, publicKey };
}

// ---------------------------------------------------------------------------------------------
// notes

export interface NoteSigner {
  name: string;
  /** An Ed25519 private KeyObject, or its 32-byte seed. */
  privateKey: KeyObject | Uint8Array;
}

/** One signature line, as parsed: `signature` is the bytes after the 4-byte key id. */
export interface NoteSignatureLine {
  name: string;
  /** 8 hex digits. */
  keyId: string;
  signature: Buffer;
}

export interface OpenedNote {
  body: string;
  signatures: Array<NoteSignatureLine & { verified: boolean; known: boolean }>;
  /** The verifiers (name, key id) whose signature is present and good. */
  verifiedBy: NoteVerifier[];
}

/** Signs `body` (which must end in a newline) with each signer: the full note text. */
export function signNote(body: string, signers: NoteSigner | readonly NoteSigner[]): string {
  checkBody(body);
  const list = Array.isArray(signers) ? signers : [signers as NoteSigner];
  if (list.length === 0) throw new RangeError('a note needs at least one signer');
  const lines = list.map((signer) => signatureLine(body, signer)).join('');
  return `${body}\n${lines}`;
}

/** Adds signatures to an existing note (e.g. a cosignature), keeping the ones it has. */
export function addNoteSignatures(note: string, signers: NoteSigner | readonly NoteSigner[]): string {
  const { body } = parseNote(note);
  const list = Array.isArray(signers) ? signers : [signers as NoteSigner];
  return `${note}${list.map((signer) => signatureLine(body, signer)).join('')}`;
}

function signatureLine(body: string, signer: NoteSigner): string {
  checkName(signer.name, 'signer name', true);
  const key = signer.privateKey instanceof Uint8Array ? privateKeyFromSeed(signer.privateKey) : signer.privateKey;
  const keyId = noteKeyId(signer.name, rawPublicKey(key));
  const signature = sign(null, Buffer.from(body, 'utf8'), key);
  return `${EM_DASH} ${signer.name} ${Buffer.concat([keyId, signature]).toString('base64')}\n`;
}

/** Splits a note into its body and signature lines, without verifying anything. */
export function parseNote(text: string): { body: string; signatures: NoteSignatureLine[] } {
  const split = text.lastIndexOf('\n\n');
  if (split < 0) throw new SyntaxError('note: no blank line before the signatures');
  const body = text.slice(0, split + 1);
  checkBody(body);
  const rest = text.slice(split + 2);
  if (!rest.endsWith('\n')) throw new SyntaxError('note: the last signature line must end with a newline');
  const signatures: NoteSignatureLine[] = [];
  for (const line of rest.slice(0, -1).split('\n')) {
    const match = /^\u2014 (\S+) (\S+)$/u.exec(line);
    if (!match) throw new SyntaxError('note: malformed signature line');
    const [, name, encoded] = match;
    const bytes = strictBase64(encoded);
    if (!bytes || bytes.length < 5) throw new SyntaxError('note: malformed signature');
    signatures.push({ name, keyId: bytes.subarray(0, 4).toString('hex'), signature: bytes.subarray(4) });
  }
  if (signatures.length === 0) throw new SyntaxError('note: no signature lines');
  return { body, signatures };
}

/**
 * Parses a note and checks every signature line whose (name, key id) matches a verifier. Lines
 * from unknown keys are reported with `known: false` (a note may carry others' cosignatures).
 * Throws SyntaxError on a malformed note; never on a bad signature — look at `verifiedBy`.
 */
export function openNote(text: string, verifiers: ReadonlyArray<NoteVerifier | string>): OpenedNote {
  const { body, signatures } = parseNote(text);
  const keys = verifiers.map((v) => (typeof v === 'string' ? parseVerifierKey(v) : v));
  const verifiedBy: NoteVerifier[] = [];
  const checked = signatures.map((line) => {
    const key = keys.find((k) => k.name === line.name && k.keyId.toString('hex') === line.keyId);
    if (!key) return { ...line, known: false, verified: false };
    let good = false;
    try {
      good =
        line.signature.length === 64 &&
        verify(null, Buffer.from(body, 'utf8'), publicKeyFromRaw(key.publicKey), line.signature);
    } catch {
      good = false;
    }
    if (good && !verifiedBy.includes(key)) verifiedBy.push(key);
    return { ...line, known: true, verified: good };
  });
  return { body, signatures: checked, verifiedBy };
}

// ---------------------------------------------------------------------------------------------

function checkName(name: string, what: string, forKey: boolean): void {
  if (name === '' || /[\s]/u.test(name) || (forKey && name.includes('+')))
    throw new RangeError(`${what} must be non-empty, without spaces${forKey ? ' or "+"' : ''}`);
}

function checkBody(body: string): void {
  if (body === '' || !body.endsWith('\n')) throw new SyntaxError('note: the text must end with a newline');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0009\u000b-\u001f\u007f]/.test(body)) throw new SyntaxError('note: control characters in the text');
}

/** Standard, padded base64 only (Buffer.from is lenient: it would skip junk). */
function strictBase64(text: string): Buffer | undefined {
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(text)) return undefined;
  return Buffer.from(text, 'base64');
}
