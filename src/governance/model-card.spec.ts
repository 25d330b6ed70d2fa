import { cardCalibration } from './model-card';

describe('model card: calibration section', () => {
  const thresholds = { peril_mismatch: { flagAt: 0.5, uncertainFrom: 0.35 } };

  it('a model without a committed calibration is named as running in safe mode', () => {
    const card = cardCalibration({ promptSetVersion: 'pt1-x', committed: null, applied: [] });
    expect(card.committed).toMatch(/^none/);
    expect(card.inForceWithoutApplied).toMatch(/^safe mode/);
    expect(card.applied).toBe('none applied in this database');
  });

  it('states the committed version 0 and its thresholds, and says when the database was not read', () => {
    const card = cardCalibration({ promptSetVersion: 'pt1-x', committed: { thresholds, origin: 'code' } });
    expect(card).toMatchObject({ committed: { version: 0, thresholds }, promptSetVersion: 'pt1-x' });
    expect(card.applied).toMatch(/not read/);
  });

  it('lists the versions applied in the database as they are', () => {
    const applied = [{ line: 'auto', version: 3, source: 'fit', createdAt: '2026-12-01T00:00:00.000Z', thresholds }];
    expect(cardCalibration({ promptSetVersion: 'p', committed: null, applied }).applied).toEqual(applied);
  });
});
