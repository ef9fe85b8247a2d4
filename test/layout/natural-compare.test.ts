import { describe, expect, it } from 'vitest';
import { naturalCompare } from '../../src/core/layout/natural-compare.js';

describe('naturalCompare (device folder order)', () => {
  it('numbers by value, punctuation before digits before letters: the order localeCompare with numeric collation gives', () => {
    const names = ['capture10', 'capture2', 'capture1', 'capture_vnc3', 'capture02', 'capture', 'capture100', 'capture9b', 'capture9a', 'capture9'];
    const sorted = [...names].sort(naturalCompare);
    expect(sorted).toEqual(['capture', 'capture_vnc3', 'capture1', 'capture2', 'capture02', 'capture9', 'capture9a', 'capture9b', 'capture10', 'capture100']);
    expect(sorted).toEqual([...names].sort((a, b) => a.localeCompare(b, 'en', { numeric: true })));
    const mixed = ['Capture3', 'capture-2', 'capture 1', 'CAPTURE2', 'capture2x', 'hdmi10', 'hdmi9', 'capture7-hd', 'capture7_hd'];
    expect([...mixed].sort(naturalCompare).map((n) => n.toLowerCase())).toEqual(
      [...mixed].sort((a, b) => a.localeCompare(b, 'en', { numeric: true })).map((n) => n.toLowerCase()),
    );
  });

  it('numbers longer than a double holds compare by their digits', () => {
    expect(naturalCompare('capture123456789012345678901', 'capture123456789012345678902')).toBeLessThan(0);
    expect(naturalCompare('a', 'a')).toBe(0);
  });
});
