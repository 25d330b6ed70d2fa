import { parseLabels } from './calibration.cli';

describe('calibration:fit --labels', () => {
  it('reads JSON lines as the simulator writes them and JSON arrays with problem kinds', () => {
    expect(parseLabels('{"claimId":"a","planted":"honest"}\n{"claimId":"b","planted":"exif_anomaly"}\n')).toEqual([
      { claimId: 'a', problems: [] },
      { claimId: 'b', problems: ['exif_anomaly'] },
    ]);
    expect(parseLabels('[{"claimId":"c","problems":["peril_mismatch","no_visible_damage"]}]')).toEqual([
      { claimId: 'c', problems: ['peril_mismatch', 'no_visible_damage'] },
    ]);
  });

  it('names the entry and the problem of a bad label', () => {
    expect(() => parseLabels('{"planted":"honest"}')).toThrow('labels: entry 1 has no claimId');
    expect(() => parseLabels('{"claimId":"a","planted":"bogus"}')).toThrow(
      'labels: entry 1: unknown check kind "bogus"',
    );
    expect(() => parseLabels('{"claimId":"a"}')).toThrow('labels: entry 1 needs "problems" (an array) or "planted"');
  });
});
