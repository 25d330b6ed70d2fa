import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { renderScene } from '../tools/scenes/scene-renderer';
import type { ModelCard } from '../src/governance/model-card';
import { defaultThresholds } from '../src/validation/default-thresholds';
import { REPO_ROOT } from './support/processes';

/** `npm run cli -- models:evaluate` on the fixture model, through the built CLI (dist/src/cli.js). */
function cli(args: string[]) {
  return spawnSync(process.execPath, [path.join(REPO_ROOT, 'dist/src/cli.js'), ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
}

interface Metrics {
  n: number;
  positives: number;
  precision: number | null;
  recall: number | null;
  ece: number | null;
  confusion: Record<'positive' | 'negative', { flagged: number; uncertain: number; clear: number }>;
}

describe('models:evaluate (fixture model)', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'model-card-'));

  it('prints per-check precision, recall, ECE and confusion as JSON and writes the model card', () => {
    const result = cli([
      'models:evaluate',
      '--model',
      'fixture',
      '--scenes',
      '40',
      '--seed',
      '3000000',
      '--json',
      '--out',
      out,
    ]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const report = JSON.parse(result.stdout) as {
      model: string;
      modelHash: string;
      claims: number;
      checks: Record<string, Metrics>;
      calibration: unknown;
      written: string[];
    };
    expect(report.model).toBe('fixture');
    expect(report.claims).toBe(40);
    expect(Object.keys(report.checks).sort()).toEqual([
      'exclusion_evident',
      'no_visible_damage',
      'object_mismatch',
      'peril_mismatch',
    ]);
    for (const [kind, m] of Object.entries(report.checks)) {
      const cells = [...Object.values(m.confusion.positive), ...Object.values(m.confusion.negative)];
      expect(cells.reduce((a, b) => a + b, 0)).toBe(40);
      expect(m.positives).toBe(Object.values(m.confusion.positive).reduce((a, b) => a + b, 0));
      expect(m.ece).not.toBeNull();
      expect(m.ece!).toBeGreaterThanOrEqual(0);
      expect(m.ece!).toBeLessThanOrEqual(1);
      // the fixture model was trained on these scenes: every check with positives finds most of them
      if (m.positives > 0) expect({ kind, recall: m.recall! >= 0.75 }).toEqual({ kind, recall: true });
      if (m.precision !== null) expect({ kind, precision: m.precision >= 0.75 }).toEqual({ kind, precision: true });
    }
    // the peril and object checks both meet positives on 40 scenes of this seed
    expect(report.checks.peril_mismatch.positives).toBeGreaterThan(5);
    // the fixture model ships with its version-0 calibration (the code's default thresholds); the card says so
    // and that applied versions were not read (no database on this path)
    const calibration = report.calibration as {
      committed: { version: number; thresholds: Record<string, { flagAt: number; uncertainFrom: number }> };
      inForceWithoutApplied: string;
      applied: unknown;
    };
    expect(calibration.committed.version).toBe(0);
    expect(calibration.committed.thresholds).toEqual(defaultThresholds('auto'));
    expect(calibration.inForceWithoutApplied).toMatch(/^version 0/);
    expect(calibration.applied).toMatch(/not read/);

    const card = JSON.parse(fs.readFileSync(path.join(out, 'model-card.json'), 'utf8')) as ModelCard & {
      driftReference: { counts: Record<string, number[]> };
    };
    const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'models/fixture/manifest.json'), 'utf8'));
    expect(card.modelDetails.modelHash).toBe(report.modelHash);
    expect(card.modelDetails.files.vision.sha256).toBe(manifest.files.vision.sha256);
    expect(card.modelDetails.provenance).toBe(manifest.provenance);
    expect(card.quantitativeAnalyses.peril_mismatch).toEqual(report.checks.peril_mismatch);
    expect(card.driftReference.counts.peril_mismatch.reduce((a, b) => a + b, 0)).toBe(40);
    const markdown = fs.readFileSync(path.join(out, 'model-card.md'), 'utf8');
    for (const section of [
      'Model details',
      'Intended use',
      'Factors',
      'Metrics',
      'Evaluation data',
      'Training data',
      'Quantitative analyses',
      'Calibration',
      'Ethical considerations',
      'Caveats and recommendations',
    ])
      expect(markdown).toContain(`## ${section}`);
    expect(markdown).toContain(manifest.files.text.sha256);
  });

  it('reads a CSV labels file of photos, and refuses a malformed one naming the problem', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labels-'));
    fs.writeFileSync(
      path.join(dir, 'hail.jpg'),
      await renderScene({ object: 'sedan', colour: 'red', damage: 'hail', seed: 77 }),
    );
    fs.writeFileSync(
      path.join(dir, 'none.jpg'),
      await renderScene({ object: 'house', colour: 'white', damage: 'none', seed: 78 }),
    );
    fs.writeFileSync(
      path.join(dir, 'labels.csv'),
      'id,line,insuredObject,claimedPeril,coverage,exclusions,photos,expected\n' +
        'a,auto,red sedan,fire,collision;hail;fire;glass,wear_and_tear,hail.jpg,peril_mismatch\n' +
        'b,property,white house,fire,fire;hail,wear_and_tear;flood,none.jpg,no_visible_damage\n',
    );
    const result = cli([
      'models:evaluate',
      '--model',
      'fixture',
      '--labels',
      path.join(dir, 'labels.csv'),
      '--json',
      '--no-card',
    ]);
    expect(result.status).toBe(0);
    const report = JSON.parse(result.stdout) as { claims: number; checks: Record<string, Metrics>; written: string[] };
    expect(report.claims).toBe(2);
    expect(report.written).toEqual([]);
    expect(report.checks.peril_mismatch.confusion.positive.flagged).toBe(1);
    expect(report.checks.no_visible_damage.confusion.positive.flagged).toBe(1);

    fs.writeFileSync(path.join(dir, 'bad.json'), JSON.stringify({ claims: [{ line: 'boat', photos: ['hail.jpg'] }] }));
    const bad = cli(['models:evaluate', '--model', 'fixture', '--labels', path.join(dir, 'bad.json')]);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain('claims[0]: line must be one of auto, property');
    const neither = cli(['models:evaluate', '--model', 'fixture']);
    expect(neither.status).not.toBe(0);
    expect(neither.stderr).toContain('give exactly one of --scenes N, --labels FILE or --from-reviews --since DATE');
  });
});
