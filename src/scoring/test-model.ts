import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The model folder tests run against: models/fixture (committed; trained by models/train), or
 * CLIP_TEST_MODEL to point tests at another folder (e.g. models/vit-b32-random-tiny while developing).
 */
export function testModelFolder(): string {
  const root = path.resolve(__dirname, '..', '..');
  const folder = path.resolve(root, process.env.CLIP_TEST_MODEL ?? path.join('models', 'fixture'));
  if (!fs.existsSync(path.join(folder, 'manifest.json'))) {
    throw new Error(
      `test model missing: ${folder}/manifest.json (the fixture model is trained by models/train/train_fixture.py; or set CLIP_TEST_MODEL)`,
    );
  }
  return folder;
}
