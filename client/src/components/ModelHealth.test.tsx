import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { setSession } from '../api';
import type { CheckDrift, DriftReport, ShadowReport } from '../api/types';
import { cropBox, heatmapIntensities, strongestCells } from './HeatmapOverlay';
import { DriftChart, ModelHealth, describeDrift } from './ModelHealth';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  setSession(null);
});

const edges = [0, 0.25, 0.5, 0.75, 1];
const peril: CheckDrift = {
  kind: 'peril_mismatch',
  psi: 0.31,
  alert: true,
  n: 12,
  edges,
  reference: [0.7, 0.1, 0.1, 0.1],
  current: [0.2, 0.1, 0.1, 0.6],
};
const drift: DriftReport = {
  model: { name: 'fixture', hash: 'a'.repeat(64) },
  from: '2026-03-01T00:00:00.000Z',
  to: '2026-03-08T00:00:00.000Z',
  threshold: 0.2,
  referenceSource: 'scenes seeds 3000000-3000499',
  checks: [peril, { ...peril, kind: 'no_visible_damage', psi: 0.01, alert: false }],
};
const shadow: ShadowReport = {
  champion: { name: 'fixture', hash: 'a'.repeat(64) },
  shadow: { name: 'fixture-int8', hash: 'b'.repeat(64) },
  from: '2026-02-01T00:00:00.000Z',
  agreement: {
    claims: 4,
    outcomeAgreement: 0.75,
    checks: [
      {
        kind: 'peril_mismatch',
        claims: 4,
        bothFlagged: 1,
        championOnly: 1,
        shadowOnly: 0,
        neither: 2,
        agreement: 0.75,
        reviewed: 0,
        championAgreesWithReviewers: null,
        shadowAgreesWithReviewers: null,
      },
    ],
  },
  whatIf: {
    claims: 4,
    changed: 1,
    matrix: {
      consistent: { consistent: 2, needs_review: 0, inconsistent: 0 },
      needs_review: { consistent: 0, needs_review: 0, inconsistent: 0 },
      inconsistent: { consistent: 1, needs_review: 0, inconsistent: 1 },
    },
    reviewLoad: { champion: 2, shadow: 1 },
    examples: [],
  },
};

describe('drift chart', () => {
  it('describes the shift in words and gives the data as a table', () => {
    expect(describeDrift(peril)).toBe(
      'Peril mismatch: 12 scores this week, most in 0.8–1.0; the reference has most in 0.0–0.3. PSI 0.310.',
    );
    render(<DriftChart check={peril} />);
    expect(screen.getByRole('img', { name: describeDrift(peril) })).toBeTruthy();
    const table = screen.getByRole('table', { name: 'Peril mismatch score distribution' });
    expect(within(table).getAllByRole('row')).toHaveLength(5);
    expect(within(table).getByText('60.0%')).toBeTruthy();
  });
});

describe('heatmap overlay helpers', () => {
  it('scales drops to the largest, hides rises, and places the grid on the centre crop', () => {
    expect(heatmapIntensities([0.2, -0.1, 0.4, 0])).toEqual([0.5, 0, 1, 0]);
    expect(heatmapIntensities([-0.1, 0])).toEqual([0, 0]);
    expect(cropBox(640, 480)).toEqual({ left: 12.5, top: 0, width: 75, height: 100 });
    expect(cropBox(480, 640)).toEqual({ left: 0, top: 12.5, width: 100, height: 75 });
    expect(strongestCells({ grid: 2, drops: [0.1, 0.3, -0.2, 0.2] }, 2)).toEqual([
      'row 1, column 2',
      'row 2, column 2',
    ]);
  });
});

describe('ModelHealth', () => {
  it('loads when opened: drift table with the alert, shadow agreement, and the what-if before promoting (admin)', async () => {
    const urlOf = (input: RequestInfo | URL) => (input instanceof Request ? input.url : String(input));
    const fetchMock = vi.fn((input: RequestInfo | URL) => {
      const url = urlOf(input);
      const body = url.includes('/v1/models/drift') ? drift : shadow;
      return Promise.resolve(new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } }));
    });
    vi.stubGlobal('fetch', fetchMock);
    setSession({
      accessToken: 'token',
      expiresAt: Date.now() + 3_600_000,
      user: {
        id: 'u1',
        email: 'a@example.test',
        role: 'admin',
        team: 'team-a',
        displayName: 'Ada',
        disabledAt: null,
        createdAt: '2024-01-01T00:00:00.000Z',
      },
    });
    render(<ModelHealth />);
    expect(fetchMock).not.toHaveBeenCalled();
    fireEvent.click(screen.getByRole('button', { name: 'Show drift and shadow model' }));
    const table = await screen.findByTestId('drift-table');
    const row = within(table).getByText('Peril mismatch').closest('tr')!;
    expect(within(row).getByText('0.310')).toBeTruthy();
    expect(within(row).getByText('drift')).toBeTruthy();
    await screen.findByTestId('shadow-agreement');
    fireEvent.click(screen.getByRole('button', { name: 'Promote fixture-int8…' }));
    const dialog = await screen.findByRole('dialog');
    const whatIf = within(dialog).getByTestId('what-if');
    expect(within(whatIf).getByText(/1 of 4 claims change; review load 2 → 1/)).toBeTruthy();
    await waitFor(() => expect(fetchMock).toHaveBeenCalledTimes(2));
  });
});
