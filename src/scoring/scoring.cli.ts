import * as fs from 'node:fs';
import * as readline from 'node:readline';
import { option, flag, type CliCommand } from '../cli/cli-command';
import { OPENAI_CLIP_IMAGE_CONFIG, preprocessImage } from './preprocess/clip-preprocess';
import { ClipTokenizer } from './tokenizer/clip-tokenizer';
import { loadConfig } from '../config/app-config';
import { ClipModel } from './model/clip-model';
import { modelFolder } from './model-registry.service';
import { ensembleEmbedding, scoreLabels } from './scoring-math';

/** The configured model (CLIP_MODEL, MODELS_DIR, CLIP_EXECUTION_PROVIDERS), or `--model FOLDER`. */
async function openModel(args: string[]): Promise<ClipModel> {
  const clip = loadConfig().clip;
  const folder = option(args, 'model') || modelFolder(clip);
  const model = await ClipModel.load(folder, {
    executionProviders: clip.executionProviders,
    intraOpThreads: clip.intraOpThreads,
    intraOpSpinning: clip.intraOpSpinning,
  });
  process.stderr.write(`model ${model.manifest.name} (${model.hash.slice(0, 12)}…) on ${model.provider}\n`);
  return model;
}

const round = (value: number) => Math.round(value * 1e6) / 1e6;

/** Debugging and conformance commands for the CLIP pipeline. */
export const SCORING_COMMANDS: Record<string, CliCommand> = {
  'clip:tokenize': {
    summary:
      'read {"text": ...} JSON lines on stdin, write {"text", "ids"[77]} lines (--merges FILE: a CLIP merges file, .gz or text)',
    run: async (args) => {
      const merges = option(args, 'merges');
      if (!merges)
        throw new Error(
          'clip:tokenize needs --merges FILE (e.g. test/fixtures/clip/bpe_simple_vocab_16e6.txt.gz or models/fixture/merges.txt)',
        );
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
      if (!file || file.startsWith('--') || !out)
        throw new Error('usage: clip:preprocess FILE --out OUT.f32 [--no-orient]');
      const tensor = await preprocessImage(fs.readFileSync(file), OPENAI_CLIP_IMAGE_CONFIG, {
        autoOrient: !flag(args, 'no-orient'),
      });
      fs.writeFileSync(out, Buffer.from(tensor.buffer, tensor.byteOffset, tensor.byteLength));
      console.log(`wrote ${tensor.length} float32 values to ${out}`);
    },
  },
  'clip:embed-image': {
    summary: 'FILE [--model FOLDER]: print the normalised image embedding as JSON',
    run: async (args) => {
      const [file] = args;
      if (!file || file.startsWith('--')) throw new Error('usage: clip:embed-image FILE [--model FOLDER]');
      const model = await openModel(args);
      const [embedding] = await model.embedImages([fs.readFileSync(file)]);
      console.log(
        JSON.stringify({ model: model.manifest.name, modelHash: model.hash, embedding: Array.from(embedding, round) }),
      );
      await model.release();
    },
  },
  'clip:embed-text': {
    summary: 'TEXT [--model FOLDER]: print the normalised text embedding as JSON',
    run: async (args) => {
      const [text] = args;
      if (text === undefined || text.startsWith('--')) throw new Error('usage: clip:embed-text TEXT [--model FOLDER]');
      const model = await openModel(args);
      const [embedding] = await model.embedTexts([text]);
      console.log(
        JSON.stringify({
          model: model.manifest.name,
          modelHash: model.hash,
          text,
          embedding: Array.from(embedding, round),
        }),
      );
      await model.release();
    },
  },
  'clip:zero-shot': {
    summary:
      'FILE --labels "a,b,c" [--template "a photo of {}"] [--model FOLDER]: print each label\'s cosine and probability',
    run: async (args) => {
      const [file] = args;
      const labels = (option(args, 'labels') ?? '')
        .split(',')
        .map((label) => label.trim())
        .filter(Boolean);
      if (!file || file.startsWith('--') || labels.length < 2)
        throw new Error(
          'usage: clip:zero-shot FILE --labels "a,b,c" [--template "a photo of {}"] (at least two labels)',
        );
      const templates = (option(args, 'template') || '{}').split('|');
      const model = await openModel(args);
      const [image] = await model.embedImages([fs.readFileSync(file)]);
      const labelEmbeddings = [];
      for (const label of labels)
        labelEmbeddings.push({
          label,
          embedding: ensembleEmbedding(await model.embedTexts(templates.map((t) => t.replace('{}', label)))),
        });
      const scores = scoreLabels(image, labelEmbeddings, model.manifest.logitScale).sort(
        (a, b) => b.probability - a.probability,
      );
      console.log(
        JSON.stringify({
          model: model.manifest.name,
          modelHash: model.hash,
          scores: scores.map((s) => ({ label: s.label, cosine: round(s.cosine), probability: round(s.probability) })),
        }),
      );
      await model.release();
    },
  },
};
