import * as fs from 'node:fs';
import * as readline from 'node:readline';
import { option, flag, type CliCommand } from '../cli/cli-command';
import { OPENAI_CLIP_IMAGE_CONFIG, preprocessImage } from './preprocess/clip-preprocess';
import { ClipTokenizer } from './tokenizer/clip-tokenizer';

/** Debugging and conformance commands for the CLIP pipeline. */
export const SCORING_COMMANDS: Record<string, CliCommand> = {
  'clip:tokenize': {
    summary: 'read {"text": ...} JSON lines on stdin, write {"text", "ids"[77]} lines (--merges FILE: a CLIP merges file, .gz or text)',
    run: async (args) => {
      const merges = option(args, 'merges');
      if (!merges) throw new Error('clip:tokenize needs --merges FILE (e.g. ../shared/clip/bpe_simple_vocab_16e6.txt.gz or models/fixture/merges.txt)');
      const tokenizer = ClipTokenizer.fromMergesFile(merges);
      const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
      let lineNumber = 0;
      for await (const line of lines) {
        lineNumber += 1;
        if (line.trim() === '') continue;
        const parsed = JSON.parse(line) as { text?: unknown };
        if (typeof parsed.text !== 'string') throw new Error(`line ${lineNumber}: expected {"text": "..."}`);
        process.stdout.write(`${JSON.stringify({ text: parsed.text, ids: tokenizer.tokenize(parsed.text) })}\n`);
      }
    },
  },
  'clip:preprocess': {
    summary: 'FILE --out OUT.f32 [--no-orient]: write the float32 CHW [3,224,224] tensor CLIP sees',
    run: async (args) => {
      const [file] = args;
      const out = option(args, 'out');
      if (!file || file.startsWith('--') || !out) throw new Error('usage: clip:preprocess FILE --out OUT.f32 [--no-orient]');
      const tensor = await preprocessImage(fs.readFileSync(file), OPENAI_CLIP_IMAGE_CONFIG, { autoOrient: !flag(args, 'no-orient') });
      fs.writeFileSync(out, Buffer.from(tensor.buffer, tensor.byteOffset, tensor.byteLength));
      console.log(`wrote ${tensor.length} float32 values to ${out}`);
    },
  },
};
