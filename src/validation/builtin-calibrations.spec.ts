import * as fs from 'node:fs';
import * as path from 'node:path';
import { modelHash, type ModelManifest } from '../scoring/model/model-manifest';
import { BUILTIN_CALIBRATIONS, builtinCalibration } from './builtin-calibrations';
import { PROMPT_TEMPLATES_VERSION } from './prompt-sets';

describe('committed calibrations', () => {
  it('calibrate the committed fixture model with the current prompt templates (edit the prompts: recalibrate)', () => {
    const manifest = JSON.parse(
      fs.readFileSync(path.resolve(__dirname, '../../models/fixture/manifest.json'), 'utf8'),
    ) as ModelManifest;
    expect(BUILTIN_CALIBRATIONS[0].modelHash).toBe(modelHash(manifest));
    expect(BUILTIN_CALIBRATIONS[0].promptSetVersion).toBe(PROMPT_TEMPLATES_VERSION);
    expect(builtinCalibration(modelHash(manifest), PROMPT_TEMPLATES_VERSION)).not.toBeNull();
  });

  it('do not cover another model or prompt set (safe mode)', () => {
    expect(builtinCalibration('0'.repeat(64), PROMPT_TEMPLATES_VERSION)).toBeNull();
    expect(builtinCalibration(BUILTIN_CALIBRATIONS[0].modelHash, 'pt1-other')).toBeNull();
  });
});
