import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ScoreBar, scoreStatus } from './ScoreBar';

afterEach(cleanup);

describe('ScoreBar', () => {
  const threshold = { flagAt: 0.5, uncertainFrom: 0.3 };

  it('shows a flagged score above its threshold, in words and as a meter', () => {
    render(
      <ScoreBar
        label="Peril mismatch"
        score={0.72}
        threshold={threshold}
        flagged
        uncertain={false}
        reason="The photos show hail rather than the claimed collision."
      />,
    );
    const meter = screen.getByRole('meter', { name: 'Peril mismatch score' });
    expect(meter.getAttribute('aria-valuenow')).toBe('0.72');
    expect(meter.getAttribute('aria-valuetext')).toBe('0.72 — flags at 0.50, review from 0.30');
    expect(screen.getByText('Flagged')).toBeTruthy();
    expect(screen.getByText(/rather than the claimed collision/)).toBeTruthy();
    expect(screen.getByTestId('score-bar').getAttribute('data-status')).toBe('flagged');
  });

  it('draws the fill to the score and the marker at the flag threshold', () => {
    const { container } = render(
      <ScoreBar label="Exclusion" score={0.4} threshold={threshold} flagged={false} uncertain />,
    );
    expect((container.querySelector('.scorebar__fill') as HTMLElement).style.width).toBe('40%');
    expect((container.querySelector('.scorebar__mark') as HTMLElement).style.left).toBe('50%');
    expect((container.querySelector('.scorebar__band') as HTMLElement).style.left).toBe('30%');
    expect(screen.getByText('Needs review')).toBeTruthy();
  });

  it('clamps scores outside [0, 1] and works without a threshold', () => {
    const { container } = render(<ScoreBar label="EXIF" score={1.7} flagged={false} uncertain={false} />);
    expect((container.querySelector('.scorebar__fill') as HTMLElement).style.width).toBe('100%');
    expect(container.querySelector('.scorebar__mark')).toBeNull();
    expect(screen.getByText('Clear')).toBeTruthy();
  });

  it('derives the status from the flags first, then the threshold', () => {
    expect(scoreStatus(0.1, threshold, true, false)).toBe('flagged');
    expect(scoreStatus(0.35, threshold, false, true)).toBe('uncertain');
    expect(scoreStatus(0.6, threshold, false, false)).toBe('flagged');
    expect(scoreStatus(0.2, threshold, false, false)).toBe('clear');
    expect(scoreStatus(0.9, undefined, false, false)).toBe('clear');
  });
});
