import { createHash, generateKeyPairSync, verify } from 'node:crypto';
import {
  cosign,
  cosignatureKeyId,
  cosignedMessage,
  formatCosignatureVerifierKey,
  parseCosignatureLine,
  parseCosignatureVerifierKey,
  verifyCosignature,
} from './cosignature';
import { formatCheckpoint, formatVerifierKey, openNote, rawPublicKey, signNote } from './signed-note';

const body = formatCheckpoint({ origin: 'example.test/log', size: 5, rootHash: Buffer.alloc(32, 7) });

function witnessKey() {
  const { privateKey } = generateKeyPairSync('ed25519');
  return { privateKey, raw: rawPublicKey(privateKey) };
}

describe('C2SP tlog-cosignature', () => {
  it('signs "cosignature/v1\\ntime T\\n" + body and encodes key id ‖ big-endian time ‖ signature', () => {
    const key = witnessKey();
    const line = cosign(body, { name: 'witness.test', privateKey: key.privateKey }, 1700000000);
    expect(line).toMatch(/^\u2014 witness\.test [A-Za-z0-9+/=]+\n$/u);
    const bytes = Buffer.from(line.split(' ')[2].trim(), 'base64');
    expect(bytes).toHaveLength(76);
    const keyId = createHash('sha256')
      .update(Buffer.concat([Buffer.from('witness.test\n'), Buffer.from([0x04]), key.raw]))
      .digest()
      .subarray(0, 4);
    expect(bytes.subarray(0, 4)).toEqual(keyId);
    expect(bytes.readBigUInt64BE(4)).toBe(1700000000n);
    const message = Buffer.from(`cosignature/v1\ntime 1700000000\n${body}`);
    expect(cosignedMessage(body, 1700000000)).toEqual(message);
    expect(verify(null, message, key.privateKey, bytes.subarray(12))).toBe(true);
  });

  it('verifies with the witness vkey, and not with another key, another body or another time', () => {
    const key = witnessKey();
    const vkey = formatCosignatureVerifierKey('witness.test', key.raw);
    expect(vkey.startsWith(`witness.test+${cosignatureKeyId('witness.test', key.raw).toString('hex')}+`)).toBe(true);
    expect(parseCosignatureVerifierKey(vkey).publicKey).toEqual(key.raw);
    const parsed = parseCosignatureLine(cosign(body, { name: 'witness.test', privateKey: key.privateKey }, 42));
    expect(parsed.timestamp).toBe(42);
    expect(verifyCosignature(body, parsed, [vkey])?.name).toBe('witness.test');
    const other = formatCosignatureVerifierKey('witness.test', witnessKey().raw);
    expect(verifyCosignature(body, parsed, [other])).toBeUndefined();
    const otherBody = formatCheckpoint({ origin: 'example.test/log', size: 6, rootHash: Buffer.alloc(32, 7) });
    expect(verifyCosignature(otherBody, parsed, [vkey])).toBeUndefined();
    expect(verifyCosignature(body, { ...parsed, timestamp: 43 }, [vkey])).toBeUndefined();
  });

  it('refuses malformed lines and keys', () => {
    const key = witnessKey();
    expect(() => parseCosignatureLine('— w AAAA')).toThrow(SyntaxError);
    expect(() => parseCosignatureLine('w abc')).toThrow(SyntaxError);
    const vkey = formatCosignatureVerifierKey('w', key.raw);
    expect(() => parseCosignatureVerifierKey(vkey.replace(/^w\+/, 'x+'))).toThrow(/key id/);
    // a signed-note (0x01) key is not a cosignature key
    const noteKey = `w+00000000+${Buffer.concat([Buffer.from([1]), key.raw]).toString('base64')}`;
    expect(() => parseCosignatureVerifierKey(noteKey)).toThrow(/0x04/);
  });

  it('is a well-formed extra note signature line that the log key ignores', () => {
    const log = witnessKey();
    const note = signNote(body, { name: 'example.test/log', privateKey: log.privateKey });
    const w = witnessKey();
    const cosigned = note + cosign(body, { name: 'witness.test', privateKey: w.privateKey }, 1);
    const opened = openNote(cosigned, [formatVerifierKey('example.test/log', log.raw)]);
    expect(opened.signatures).toHaveLength(2);
    expect(opened.verifiedBy.map((v) => v.name)).toEqual(['example.test/log']);
    expect(opened.signatures[1].known).toBe(false);
  });
});
