import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { createNameMatcher, globToRegExp, validatePattern } from '../../src/core/tmp-clean/patterns.js';

describe('globToRegExp', () => {
  it.each([
    ['*_audio_check.ts', 'capture1_audio_check.ts', true],
    ['*_audio_check.ts', 'capture1_audio_check.tsx', false],
    ['*_audio_check.ts', 'capture1_audio_checkXts', false],
    ['*.partial', 'a.b.partial', true],
    ['seg_??.ts', 'seg_01.ts', true],
    ['seg_??.ts', 'seg_1.ts', false],
    ['seg_[0-4].ts', 'seg_3.ts', true],
    ['seg_[0-4].ts', 'seg_7.ts', false],
    ['seg_[!0-4].ts', 'seg_7.ts', true],
    ['seg_[^0-4].ts', 'seg_3.ts', false],
    ['[]]x', ']x', true],
    ['a+b(c)', 'a+b(c)', true],
    ['a+b(c)', 'aab(c)', false],
    ['*', '.X0-lock', false],
    ['?X0-lock', '.X0-lock', false],
    ['.X0-*', '.X0-lock', true],
    ['*', 'line\nbreak', true],
  ])('%s against %j is %s', (pattern, name, expected) => {
    expect(globToRegExp(pattern).test(name)).toBe(expected);
  });
});

describe('validatePattern', () => {
  it.each([
    ['', /is empty/],
    ['a/b', /contains "\/"/],
    ['../x', /contains "\/"/],
    ['..', /names a folder/],
    ['a\nb', /control character/],
    ['x[ab', /"\[" without its "\]"/],
    ['x'.repeat(2000), /longer than 1024/],
  ])('refuses %j', (pattern, message) => {
    expect(() => validatePattern(pattern)).toThrow(UsageError);
    expect(() => validatePattern(pattern)).toThrow(message);
  });
});

describe('createNameMatcher', () => {
  const matcher = createNameMatcher(['*.partial']);
  it.each([
    ['capture2_audio_check.ts', { kind: 'file' }],
    ['capture2_concat_list.txt', { kind: 'file' }],
    ['x.partial', { kind: 'file' }],
    ['vpt-1234', { kind: 'pid-folder', pid: 1234 }],
    ['vpt-0', undefined],
    ['vpt-012', undefined],
    ['vpt-test-abc', undefined],
    ['vpt-12345678901', undefined],
    ['notes.txt', undefined],
  ])('%s -> %j', (name, expected) => {
    expect(matcher.match(name)).toEqual(expected);
  });

  it('refuses a bad extra pattern before anything runs', () => {
    expect(() => createNameMatcher(['ok*', 'sub/x*'])).toThrow(/--pattern: "sub\/x\*" contains "\/"/);
  });
});
