import { describe, expect, it } from 'vitest';
import { escapeOutside } from '../../src/core/text/escape-outside.js';

describe('escapeOutside', () => {
  it.each([
    ['capture1', 'capture1'],
    ['a\nb', 'a\\nb'],
    ['a\r\tb', 'a\\r\\tb'],
    ['\u001b[2J', '\\x1b[2J'],
    ['\u0000\u007f', '\\x00\\x7f'],
    ['\u009b31m', '\\x9b31m'],
    ['abc\u202edef', 'abc\\u202edef'],
    ['\u2066\u2069\u200e\u200f\u061c', '\\u2066\\u2069\\u200e\\u200f\\u061c'],
    ['line\u2028sep\u2029', 'line\\u2028sep\\u2029'],
    ['Küche 東京 "q" \\n', 'Küche 東京 "q" \\n'],
  ])('%j -> %j', (input, output) => {
    expect(escapeOutside(input)).toBe(output);
  });

  it('is idempotent: escaping twice (printer, then logger) does not double', () => {
    const once = escapeOutside('x\ny\u001b\u202e');
    expect(escapeOutside(once)).toBe(once);
  });
});
