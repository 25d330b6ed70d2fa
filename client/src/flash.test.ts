import { afterEach, describe, expect, it } from 'vitest';
import { hasFlashFor, setFlash, subscribeFlash, takeFlash } from './flash';

describe('flash messages are scoped to their page', () => {
  afterEach(() => {
    takeFlash('');
  });

  it('shows a message only on the page it was set for', () => {
    setFlash('Decision saved.', '/tasks/next-one');
    expect(hasFlashFor('/queue')).toBe(false);
    expect(takeFlash('/tasks/next-one')).toBe('Decision saved.');
    expect(takeFlash('/tasks/next-one')).toBeNull();
  });

  it('drops a message when another page is shown first', () => {
    setFlash('Override saved.', '/tasks/a');
    expect(takeFlash('/queue')).toBeNull();
    expect(takeFlash('/tasks/a')).toBeNull();
  });

  it('defaults to the current page and notifies listeners', () => {
    let calls = 0;
    const stop = subscribeFlash(() => (calls += 1));
    window.history.replaceState(null, '', '/tasks/here');
    setFlash('Override saved.');
    stop();
    expect(calls).toBe(1);
    expect(takeFlash('/tasks/here')).toBe('Override saved.');
  });
});
