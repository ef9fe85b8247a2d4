import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { formatDuration, formatSize, formatSizeExact, parseDuration, parseInteger, parseSize } from '../../src/core/units.js';

describe('parseSize', () => {
  it.each([
    ['4096', 4096],
    ['1K', 1024],
    ['500M', 500 * 1024 ** 2],
    ['1G', 1024 ** 3],
    ['1g', 1024 ** 3],
    ['1.5G', 1.5 * 1024 ** 3],
    ['2T', 2 * 1024 ** 4],
    ['100MiB', 100 * 1024 ** 2],
  ])('%s is %d bytes', (text, bytes) => {
    expect(parseSize(text)).toBe(bytes);
  });

  it.each(['', 'M', '10%', '-5M', '1X', '5M\nStorage=none', '1=2'])('refuses %j naming the flag', (text) => {
    expect(() => parseSize(text, '--runtime-max-use')).toThrow(UsageError);
    expect(() => parseSize(text, '--runtime-max-use')).toThrow(/--runtime-max-use/);
  });

  it('formats sizes back exactly and for humans', () => {
    expect(formatSizeExact(500 * 1024 ** 2)).toBe('500M');
    expect(formatSizeExact(1024 ** 3)).toBe('1G');
    expect(formatSizeExact(1536)).toBe('1536');
    expect(formatSize(1.2 * 1024 ** 3)).toBe('1.2G');
    expect(formatSize(70 * 1024 ** 2)).toBe('70M');
    expect(formatSize(512)).toBe('512B');
  });
});

describe('parseDuration', () => {
  it.each([
    ['30', 30_000],
    ['30s', 30_000],
    ['10m', 600_000],
    ['10min', 600_000],
    ['1h 30min', 5_400_000],
    ['2d12h', 2.5 * 86_400_000],
    ['1week', 7 * 86_400_000],
    ['1day', 86_400_000],
    ['250ms', 250],
    ['1M', 30.44 * 86_400_000],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBeCloseTo(ms, 6);
  });

  it.each(['', 'soon', '10 parsecs', '5m x', '-1s', '1s\n'])('refuses %j', (text) => {
    expect(() => parseDuration(text, '--older-than')).toThrow(/--older-than/);
  });

  it('formats for log lines', () => {
    expect(formatDuration(3_600_000)).toBe('1.0h');
    expect(formatDuration(850)).toBe('850ms');
    expect(formatDuration(42_000)).toBe('42s');
  });
});

describe('parseInteger', () => {
  it('accepts whole numbers within range and refuses the rest', () => {
    expect(parseInteger('5', '--fps', 1, 240)).toBe(5);
    expect(() => parseInteger('0', '--fps', 1, 240)).toThrow(/--fps: 0 is out of range/);
    expect(() => parseInteger('2.5', '--fps')).toThrow(/not a whole number/);
  });
});
