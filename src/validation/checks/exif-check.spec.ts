import { checkExif, type ExifCheckInput } from './exif-check';

const base: ExifCheckInput = {
  photoId: 'p1',
  exif: { captureTime: '2026-03-10T14:00:00Z', make: 'Canon', model: 'EOS' },
  photoSource: 'camera',
  policyStart: '2026-01-01',
  policyEnd: '2026-12-31',
  incidentDate: '2026-03-09',
  filedAt: new Date('2026-03-12T09:00:00Z'),
};

describe('checkExif', () => {
  it('passes a photo taken around the incident with camera metadata', () => {
    const result = checkExif(base);
    expect(result.flagged).toBe(false);
    expect(result.evidence.daysFromIncident).toBeCloseTo(1.6, 1);
  });

  it('flags a capture before the policy started, with high severity and the dates', () => {
    const result = checkExif({ ...base, exif: { ...base.exif, captureTime: '2025-11-20T10:00:00Z' } });
    expect(result.flagged).toBe(true);
    expect(result.severity).toBe('high');
    expect(result.reason).toContain('before the policy started on 2026-01-01');
  });

  it('flags a capture after the claim was filed', () => {
    const result = checkExif({ ...base, exif: { ...base.exif, captureTime: '2026-03-20T10:00:00Z' } });
    expect(result.flagged).toBe(true);
    expect(result.reason).toContain('after the claim was filed on 2026-03-12');
  });

  it('tolerates camera clock skew of a few hours around filing', () => {
    expect(checkExif({ ...base, exif: { ...base.exif, captureTime: '2026-03-12T20:00:00Z' } }).flagged).toBe(false);
  });

  it('flags a capture far from the incident with medium severity', () => {
    const result = checkExif({
      ...base,
      incidentDate: '2026-02-01',
      exif: { ...base.exif, captureTime: '2026-03-11T10:00:00Z' },
    });
    expect(result.flagged).toBe(true);
    expect(result.severity).toBe('medium');
    expect(result.reason).toMatch(/taken 38 days from the incident date 2026-02-01/);
  });

  it.each(['Adobe Photoshop 25.1 (Windows)', 'GIMP 2.10.36', 'Snapseed'])('flags editing software %s', (software) => {
    const result = checkExif({ ...base, exif: { ...base.exif, software } });
    expect(result.flagged).toBe(true);
    expect(result.reason).toContain(software);
  });

  it('does not flag camera firmware in the Software tag', () => {
    expect(checkExif({ ...base, exif: { ...base.exif, software: 'Firmware Version 1.0.2' } }).flagged).toBe(false);
  });

  it('flags missing EXIF only when the photo is said to come from a camera', () => {
    expect(checkExif({ ...base, exif: {} }).flagged).toBe(true);
    expect(checkExif({ ...base, exif: {}, photoSource: 'scan' }).flagged).toBe(false);
  });
});
