import { createHash, generateKeyPairSync } from 'node:crypto';
import {
  addNoteSignatures,
  formatCheckpoint,
  formatVerifierKey,
  noteKeyId,
  openNote,
  parseCheckpoint,
  parseNote,
  parseVerifierKey,
  rawPublicKey,
  signNote,
} from './signed-note';

// The example key and note of golang.org/x/mod/sumdb/note (the reference implementation).
const GO_SKEY_SEED = Buffer.from('AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz', 'base64').subarray(1);
const GO_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const GO_TEXT =
  'If you think cryptography is the answer to your problem,\n' + "then you don't know what your problem is.\n";
const GO_NOTE =
  GO_TEXT +
  '\n' +
  '\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';

const root = createHash('sha256').update('root').digest();

describe('tlog-checkpoint', () => {
  it('formats origin, decimal size and base64 root, each line ending in a newline', () => {
    const text = formatCheckpoint({ origin: 'claims-evidence.local/audit', size: 12, rootHash: root });
    expect(text).toBe(`claims-evidence.local/audit\n12\n${root.toString('base64')}\n`);
    expect(parseCheckpoint(text)).toEqual({ origin: 'claims-evidence.local/audit', size: 12, rootHash: root });
  });

  it('keeps extension lines and ignores the signatures of a whole note', () => {
    const body = formatCheckpoint({ origin: 'o', size: 0, rootHash: root, extensions: ['ext one'] });
    const { privateKey } = generateKeyPairSync('ed25519');
    expect(parseCheckpoint(signNote(body, { name: 'o', privateKey }))).toEqual({
      origin: 'o',
      size: 0,
      rootHash: root,
      extensions: ['ext one'],
    });
  });

  it.each([
    ['no final newline', `o\n1\n${root.toString('base64')}`],
    ['missing root', 'o\n1\n'],
    ['leading zero', `o\n01\n${root.toString('base64')}\n`],
    ['negative size', `o\n-1\n${root.toString('base64')}\n`],
    ['short root', `o\n1\n${root.subarray(0, 31).toString('base64')}\n`],
    ['non-base64 root', `o\n1\n${'!'.repeat(44)}\n`],
    ['empty origin', `\n1\n${root.toString('base64')}\n`],
  ])('refuses a checkpoint with %s', (_, text) => {
    expect(() => parseCheckpoint(text)).toThrow(SyntaxError);
  });
});

describe('signed notes (Ed25519)', () => {
  it('reproduces the reference implementation: key id, verifier key and signature', () => {
    const verifier = parseVerifierKey(GO_VKEY);
    expect(verifier.name).toBe('PeterNeumann');
    expect(noteKeyId('PeterNeumann', verifier.publicKey).toString('hex')).toBe('c74f20a3');
    expect(formatVerifierKey('PeterNeumann', verifier.publicKey)).toBe(GO_VKEY);
    expect(signNote(GO_TEXT, { name: 'PeterNeumann', privateKey: GO_SKEY_SEED })).toBe(GO_NOTE);
    const opened = openNote(GO_NOTE, [GO_VKEY]);
    expect(opened.body).toBe(GO_TEXT);
    expect(opened.verifiedBy.map((v) => v.name)).toEqual(['PeterNeumann']);
  });

  it('the signature line is an EM DASH, a space, the name and base64(key id ‖ signature)', () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const note = signNote('hello\n', { name: 'example.com/log', privateKey });
    const line = note.split('\n')[2];
    expect(line.codePointAt(0)).toBe(0x2014);
    const [, name, encoded] = line.split(' ');
    expect(name).toBe('example.com/log');
    const bytes = Buffer.from(encoded, 'base64');
    expect(bytes.subarray(0, 4)).toEqual(noteKeyId('example.com/log', rawPublicKey(privateKey)));
    expect(bytes.length).toBe(4 + 64);
  });

  it('reports unknown keys, bad signatures and several signers', () => {
    const a = generateKeyPairSync('ed25519').privateKey;
    const b = generateKeyPairSync('ed25519').privateKey;
    const aKey = formatVerifierKey('log-a', rawPublicKey(a));
    const bKey = formatVerifierKey('witness-b', rawPublicKey(b));
    const note = addNoteSignatures(signNote('body\n', { name: 'log-a', privateKey: a }), {
      name: 'witness-b',
      privateKey: b,
    });
    expect(openNote(note, [aKey, bKey]).verifiedBy.map((v) => v.name)).toEqual(['log-a', 'witness-b']);
    const onlyA = openNote(note, [aKey]);
    expect(onlyA.verifiedBy.map((v) => v.name)).toEqual(['log-a']);
    expect(onlyA.signatures.map((s) => [s.name, s.known, s.verified])).toEqual([
      ['log-a', true, true],
      ['witness-b', false, false],
    ]);
    // A changed body no longer verifies.
    const altered = note.replace('body', 'bodx');
    expect(openNote(altered, [aKey, bKey]).verifiedBy).toEqual([]);
    // Same name, another key: the key id differs, so the line is unknown, not "bad".
    const impostor = formatVerifierKey('log-a', rawPublicKey(b));
    expect(openNote(note, [impostor]).signatures[0]).toMatchObject({ known: false, verified: false });
  });

  it.each([
    ['no blank line', 'body\n\u2014 x AAAA\n'],
    ['no signatures', 'body\n\n'],
    ['a hyphen instead of an EM DASH', 'body\n\n- x AAAAAAAA\n'],
    ['no final newline', 'body\n\n\u2014 x AAAAAAAA'],
    ['bad base64', 'body\n\n\u2014 x ***\n'],
  ])('refuses a note with %s', (_, text) => {
    expect(() => parseNote(text)).toThrow(SyntaxError);
  });

  it('refuses malformed verifier keys', () => {
    const raw = rawPublicKey(generateKeyPairSync('ed25519').publicKey);
    const good = formatVerifierKey('name', raw);
    expect(parseVerifierKey(good).publicKey).toEqual(raw);
    expect(() => parseVerifierKey(good.replace(/\+[0-9a-f]{8}\+/, '+00000000+'))).toThrow(SyntaxError);
    expect(() => parseVerifierKey('name+abcd')).toThrow(SyntaxError);
    expect(() => formatVerifierKey('bad name', raw)).toThrow(RangeError);
    expect(() => signNote('no newline', { name: 'x', privateKey: generateKeyPairSync('ed25519').privateKey })).toThrow(
      SyntaxError,
    );
  });
});
