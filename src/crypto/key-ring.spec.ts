import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { KeyRing, KeyRingError, parseMasterKeysFile, parseMasterKeysVariable } from './key-ring';

const keyA = randomBytes(32).toString('base64');
const keyB = randomBytes(32).toString('base64url');

describe('parseMasterKeysVariable', () => {
  it('reads VERSION:BASE64 entries, lowest version first', () => {
    const keys = parseMasterKeysVariable(` 2:${keyB} , 1:${keyA}`);
    expect(keys.map((key) => key.version)).toEqual([1, 2]);
    expect(keys[0].key).toEqual(Buffer.from(keyA, 'base64'));
    expect(keys[1].key).toEqual(Buffer.from(keyB, 'base64url'));
  });

  it.each([
    ['', /MASTER_KEYS holds no keys/],
    [keyA, /MASTER_KEYS entry 1 must be VERSION:BASE64/],
    [`1:${keyA},x:${keyB}`, /MASTER_KEYS entry 2: version must be a positive integer/],
    [`0:${keyA}`, /MASTER_KEYS entry 1: version must be a positive integer/],
    [`1:${randomBytes(16).toString('base64')}`, /MASTER_KEYS entry 1 must decode to 32 bytes \(got 16\)/],
    ['1:not base64!', /MASTER_KEYS entry 1 is not base64/],
    [`1:${keyA},1:${keyB}`, /MASTER_KEYS: version 1 appears twice/],
  ])('names the variable for %j', (raw, message) => {
    expect(() => parseMasterKeysVariable(raw)).toThrow(KeyRingError);
    expect(() => parseMasterKeysVariable(raw)).toThrow(message);
  });

  it('never echoes key material in an error', () => {
    const secret = randomBytes(31).toString('base64');
    try {
      parseMasterKeysVariable(`1:${secret}`);
      throw new Error('expected a failure');
    } catch (error) {
      expect((error as Error).message).not.toContain(secret);
    }
  });
});

describe('parseMasterKeysFile', () => {
  it.each([
    ['{', /MASTER_KEYS_FILE \(\/k\.json\) is not valid JSON/],
    ['{"keys":[]}', /MASTER_KEYS_FILE \(\/k\.json\) must be \{"format":1/],
    ['{"format":1,"keys":[]}', /MASTER_KEYS_FILE \(\/k\.json\) holds no keys/],
    ['{"format":1,"keys":[{"version":1}]}', /keys\[0\] must have a version and a base64 key/],
    [`{"format":1,"keys":[{"version":-1,"key":"${keyA}"}]}`, /keys\[0\]: version must be a positive integer/],
  ])('names the file for %s', (text, message) => {
    expect(() => parseMasterKeysFile(text, '/k.json')).toThrow(message);
  });
});

describe('KeyRing', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'key-ring-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const fileRing = (file = path.join(dir, 'keys', 'master-keys.json')) =>
    new KeyRing({ crypto: { masterKeys: undefined, masterKeysFile: file, intakeKeyFile: '' } });

  it('creates the file ring with one key, mode 0600, on first use, and keeps it', () => {
    const file = path.join(dir, 'keys', 'master-keys.json');
    const ring = fileRing(file);
    expect(ring.versions()).toEqual([1]);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const key = ring.key(1);
    expect(fileRing(file).key(1)).toEqual(key);
    expect(fs.readdirSync(path.dirname(file))).toEqual(['master-keys.json']);
  });

  it('rotates and retires versions in the file, which other instances see', () => {
    const ring = fileRing();
    const other = fileRing();
    expect(other.active().version).toBe(1);
    expect(ring.rotate()).toBe(2);
    expect(ring.rotate()).toBe(3);
    expect(other.active().version).toBe(3);
    expect(() => ring.retire(3)).toThrow(/active key/);
    ring.retire(1);
    expect(other.versions()).toEqual([2, 3]);
    expect(() => other.key(1)).toThrow(/master key version 1 is not in the key ring/);
    expect(fs.readdirSync(path.join(dir, 'keys'))).toEqual(['master-keys.json']);
  });

  it('is read-only when MASTER_KEYS is set, and says how to rotate', () => {
    const ring = new KeyRing({
      crypto: { masterKeys: `1:${keyA},3:${keyB}`, masterKeysFile: path.join(dir, 'unused.json'), intakeKeyFile: '' },
    });
    expect(ring.source).toBe('env');
    expect(ring.active().version).toBe(3);
    expect(() => ring.rotate()).toThrow(/MASTER_KEYS is set, so the key ring is read-only/);
    expect(fs.existsSync(path.join(dir, 'unused.json'))).toBe(false);
  });

  it('reports a broken file naming MASTER_KEYS_FILE', () => {
    const file = path.join(dir, 'broken.json');
    fs.writeFileSync(file, 'not json');
    expect(() => fileRing(file).active()).toThrow(`MASTER_KEYS_FILE (${file}) is not valid JSON`);
  });
});
