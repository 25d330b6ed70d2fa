import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { clipReferenceDir } from './support/clip-reference-data';
import { REPO_ROOT } from './support/processes';

const REFERENCE = clipReferenceDir();

function cli(args: string[], input?: string) {
  const result = spawnSync(process.execPath, [path.join(REPO_ROOT, 'dist/src/cli.js'), ...args], {
    cwd: REPO_ROOT,
    input,
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`cli ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

describe('CLIP conformance through the operator CLI (what others run against our build)', () => {
  beforeAll(() => {
    if (!fs.existsSync(REFERENCE)) throw new Error(`CLIP reference data missing at ${REFERENCE}`);
  });

  it('clip:tokenize reproduces all 51 reference cases', () => {
    const cases = JSON.parse(fs.readFileSync(path.join(REFERENCE, 'tokenizer-cases.json'), 'utf8')) as Array<{
      text: string;
      ids: number[];
    }>;
    const output = cli(
      ['clip:tokenize', '--merges', path.join(REFERENCE, 'bpe_simple_vocab_16e6.txt.gz')],
      cases.map((c) => JSON.stringify({ text: c.text })).join('\n'),
    );
    const lines = output
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { text: string; ids: number[] });
    expect(lines).toHaveLength(cases.length);
    expect(lines.map((line) => line.ids)).toEqual(cases.map((c) => c.ids));
  });

  it('clip:preprocess --no-orient writes the reference tensor byte for byte', () => {
    const index = fs.readdirSync(path.join(REFERENCE, 'preprocess')).filter((name) => name.endsWith('.f32'));
    expect(index.length).toBe(7);
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'clip-cli-')), 'out.f32');
    for (const reference of index) {
      const base = reference.replace(/\.f32$/, '');
      const image = fs
        .readdirSync(path.join(REFERENCE, 'preprocess'))
        .find((name) => name.startsWith(`${base}.`) && !name.endsWith('.f32'))!;
      cli(['clip:preprocess', path.join(REFERENCE, 'preprocess', image), '--out', out, '--no-orient']);
      expect(fs.readFileSync(out).equals(fs.readFileSync(path.join(REFERENCE, 'preprocess', reference)))).toBe(true);
    }
  });
});
