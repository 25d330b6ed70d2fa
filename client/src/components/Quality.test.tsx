import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { setSession } from '../api';
import { QualityPage } from '../pages/QualityPage';
import type { CheckQuality, QualityReport } from '../api/types';
import { AgreementChart, QualityTable, combineSeries, describeSeries, fillDays } from './Quality';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  setSession(null);
});

function check(kind: CheckQuality['kind'], overrides: Partial<CheckQuality> = {}): CheckQuality {
  return {
    kind,
    reviewed: 0,
    agreed: 0,
    disagreed: 0,
    truePositive: 0,
    falsePositive: 0,
    falseNegative: 0,
    precision: null,
    recall: null,
    currentFlagAt: null,
    recommendedFlagAt: null,
    recommendedAgreement: null,
    series: [],
    ...overrides,
  };
}

const peril = check('peril_mismatch', {
  reviewed: 4,
  agreed: 3,
  disagreed: 1,
  truePositive: 2,
  falsePositive: 1,
  falseNegative: 0,
  precision: 0.667,
  recall: 1,
  currentFlagAt: 0.55,
  recommendedFlagAt: 0.612,
  recommendedAgreement: 1,
  series: [
    { day: '2026-03-02', agreed: 2, disagreed: 0 },
    { day: '2026-03-04', agreed: 1, disagreed: 1 },
  ],
});

describe('QualityTable', () => {
  it('shows counts, rates and both thresholds, the recommendation labelled as not applied', () => {
    render(<QualityTable checks={[peril]} />);
    const table = screen.getByRole('table', { name: /Agreement between the model and reviewers/ });
    expect(
      within(table).getByRole('columnheader', { name: /Recommended flagAt.*recommended, not applied/ }),
    ).toBeTruthy();
    const row = within(table).getByRole('row', { name: /Peril mismatch/ });
    const cells = within(row)
      .getAllByRole('cell')
      .map((cell) => cell.textContent);
    expect(cells).toEqual(['4', '3', '1', '75.0%', '66.7%', '100.0%', '0.550', '0.612would agree 100.0%']);
  });

  it('shows a dash for undefined precision, recall and thresholds', () => {
    render(<QualityTable checks={[check('exif_anomaly', { reviewed: 1, disagreed: 1 })]} />);
    const cells = within(screen.getByRole('row', { name: /Exif anomaly/ }))
      .getAllByRole('cell')
      .map((cell) => cell.textContent);
    expect(cells).toEqual(['1', '0', '1', '0.0%', '—', '—', '—', '—']);
  });
});

describe('AgreementChart', () => {
  it('fills every day of the period and stacks agreed under disagreed', () => {
    const days = fillDays(peril.series, '2026-03-01T10:00:00.000Z', '2026-03-05T09:00:00.000Z');
    expect(days.map((day) => day.day)).toEqual(['2026-03-01', '2026-03-02', '2026-03-03', '2026-03-04', '2026-03-05']);
    const { container } = render(<AgreementChart days={days} subject="Peril mismatch" />);
    expect(container.querySelectorAll('g[data-day]')).toHaveLength(5);
    // Two days with reviews: two agreed bars, and a disagreed bar of zero height on the day without disagreement.
    expect(container.querySelectorAll('.chart__agreed')).toHaveLength(2);
    const heights = Array.from(container.querySelectorAll('.chart__disagreed')).map((rect) =>
      Number(rect.getAttribute('height')),
    );
    expect(heights[0]).toBe(0);
    const agreed = Array.from(container.querySelectorAll('.chart__agreed')).map((rect) =>
      Number(rect.getAttribute('height')),
    );
    // The tallest day (2 reviews) fills the plot; one agreed review is half of it.
    expect(agreed[0]).toBeCloseTo(agreed[1] * 2);
    expect(heights[1]).toBeCloseTo(agreed[1]);
  });

  it('has a text alternative and the data as a table', () => {
    const days = fillDays(peril.series, '2026-03-01T00:00:00Z', '2026-03-05T00:00:00Z');
    render(<AgreementChart days={days} subject="Peril mismatch" />);
    const image = screen.getByRole('img', { name: /Agreement over time/ });
    expect(image.getAttribute('aria-labelledby')).toContain('agreement-chart-desc');
    const text =
      'Peril mismatch from 2026-03-01 to 2026-03-05: 4 reviewed checks on 2 days, 3 agreed (75.0%), 1 disagreed.';
    expect(describeSeries(days, 'Peril mismatch')).toBe(text);
    expect(screen.getAllByText(text).length).toBeGreaterThanOrEqual(1);
    const data = screen.getByRole('table', { name: 'Reviewed checks per day' });
    expect(within(data).getAllByRole('row')).toHaveLength(3);
  });

  it('sums several checks per day', () => {
    const other = check('no_visible_damage', {
      reviewed: 1,
      agreed: 1,
      series: [{ day: '2026-03-02', agreed: 1, disagreed: 0 }],
    });
    expect(combineSeries([peril, other])).toEqual([
      { day: '2026-03-02', agreed: 3, disagreed: 0 },
      { day: '2026-03-04', agreed: 1, disagreed: 1 },
    ]);
  });
});

describe('QualityPage', () => {
  /** The URL a request went to: openapi-fetch calls fetch(Request). */
  const urlOf = (input: RequestInfo | URL) => (input instanceof Request ? input.url : String(input));
  /** Answers the quality report's requests; the calibration panel's own request stays pending (not under test here). */
  function stubFetch(answer: (url: string) => Response) {
    const fetchMock = vi.fn((input: RequestInfo | URL) =>
      urlOf(input).includes('/v1/metrics/quality')
        ? Promise.resolve(answer(urlOf(input)))
        : new Promise<Response>(() => {}),
    );
    vi.stubGlobal('fetch', fetchMock);
    setSession({
      accessToken: 'token',
      expiresAt: Date.now() + 3_600_000,
      user: {
        id: 'u1',
        email: 's@example.test',
        role: 'supervisor',
        team: 'team-a',
        displayName: 'Sam',
        disabledAt: null,
        createdAt: '2024-01-01T00:00:00.000Z',
      },
    });
    return fetchMock;
  }
  const json = (body: unknown, status = 200) =>
    new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

  it('loads the last 30 days, shows reviewed checks only, and asks again for another period', async () => {
    const report: QualityReport = {
      from: '2026-02-03T00:00:00.000Z',
      to: '2026-03-05T00:00:00.000Z',
      checks: [peril, check('exif_anomaly')],
    };
    const fetchMock = stubFetch(() => json(report));
    render(<QualityPage />);
    expect(screen.getAllByRole('status').map((status) => status.textContent)).toContainEqual(
      expect.stringMatching(/Loading the quality report/),
    );
    await screen.findByRole('table', { name: /Agreement between the model/ });
    expect(screen.getAllByTestId('quality-row')).toHaveLength(1);
    expect(screen.getByText(/Not reviewed in this period: Exif anomaly/)).toBeTruthy();
    const qualityCalls = () => fetchMock.mock.calls.filter(([input]) => urlOf(input).includes('/v1/metrics/quality'));
    const first = new URL(urlOf(qualityCalls()[0][0]), 'http://localhost');
    expect(first.pathname).toBe('/v1/metrics/quality');
    const span = Date.parse(first.searchParams.get('to')!) - Date.parse(first.searchParams.get('from')!);
    expect(span).toBe(30 * 86_400_000);
    fireEvent.click(screen.getByRole('button', { name: 'Last 7 days' }));
    await waitFor(() => expect(qualityCalls()).toHaveLength(2));
    const second = new URL(urlOf(qualityCalls()[1][0]), 'http://localhost');
    expect(Date.parse(second.searchParams.get('to')!) - Date.parse(second.searchParams.get('from')!)).toBe(
      7 * 86_400_000,
    );
  });

  it('shows an empty state without reviews and an error state on failure', async () => {
    stubFetch(() =>
      json({ from: '2026-02-03T00:00:00.000Z', to: '2026-03-05T00:00:00.000Z', checks: [check('peril_mismatch')] }),
    );
    render(<QualityPage />);
    await screen.findByText(/No reviewed decisions in this period/);
    expect(screen.queryByRole('table')).toBeNull();
    cleanup();
    stubFetch(() => json({ statusCode: 403, error: 'Forbidden', message: 'not allowed' }, 403));
    render(<QualityPage />);
    expect((await screen.findByRole('alert')).textContent).toMatch(/Not allowed/);
  });
});
