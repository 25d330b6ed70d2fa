import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compactHistory, emptyState, loadState, saveState } from './witness-state';

const entry = (size: number) => ({ size, rootHash: `r${size}`, cosignedAt: '2026-01-01T00:00:00.000Z' });

describe('witness state', () => {
  it('keeps the history within its limit: the newest half complete, the oldest entry always', () => {
    let history = [] as ReturnType<typeof entry>[];
    for (let size = 1; size <= 1000; size += 1) history = compactHistory([...history, entry(size)], 40);
    expect(history.length).toBeLessThanOrEqual(40);
    expect(history[0].size).toBe(1);
    expect(history.slice(-20).map((h) => h.size)).toEqual(Array.from({ length: 20 }, (_, i) => 981 + i));
    const sizes = history.map((h) => h.size);
    expect(sizes).toEqual([...sizes].sort((a, b) => a - b));
  });

  it('saves atomically (no temporary file left) and refuses a state of another log', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'witness-state-'));
    try {
      const file = path.join(dir, 'sub', 'state.json');
      expect(loadState(file, 'log.test')).toEqual(emptyState('log.test'));
      const state = { ...emptyState('log.test'), history: [entry(3)] };
      saveState(file, state);
      expect(loadState(file, 'log.test')).toEqual(state);
      expect(fs.readdirSync(path.dirname(file))).toEqual(['state.json']);
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      expect(() => loadState(file, 'other.test')).toThrow(/not of other\.test|of log\.test/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
