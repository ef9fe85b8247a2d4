import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { LIMIT_SPECS, limitValuesFromOptions, parseLimitValue, type LimitSpec } from '../../src/core/journald/limits.js';

const spec = (key: string): LimitSpec => LIMIT_SPECS.find((s) => s.key === key)!;

describe('parseLimitValue', () => {
  it.each([
    ['SystemMaxUse', '500M', '500M', 500 * 1024 ** 2],
    ['SystemMaxUse', ' 500m ', '500M', 500 * 1024 ** 2],
    ['SystemMaxUse', '1GiB', '1G', 1024 ** 3],
    ['SystemMaxUse', '0512K', '512K', 512 * 1024],
    ['SystemKeepFree', '1.5G', '1.5G', 1.5 * 1024 ** 3],
    ['SystemMaxUse', '4096', '4096', 4096],
    ['MaxRetentionSec', '1week', '1week', 7 * 86_400_000],
    ['MaxRetentionSec', ' 1h   30min ', '1h 30min', 5_400_000],
    ['RateLimitIntervalSec', '30', '30', 30_000],
    ['RateLimitBurst', '10000', '10000', 10_000],
    ['SystemMaxFiles', '007', '7', 7],
  ])('%s %j -> %s', (key, raw, text, amount) => {
    const value = parseLimitValue(spec(key), raw);
    expect(value.text).toBe(text);
    expect(value.amount).toBe(amount);
  });

  it.each([
    ['SystemMaxUse', '10%', /--system-max-use: "10%" is a percentage/],
    ['SystemMaxUse', '5M\nStorage=none', /--system-max-use: "5M\\nStorage=none" contains a newline/],
    ['SystemMaxUse', '1=2', /contains a newline, control character or "="/],
    ['SystemMaxUse', 'abc', /is not a size/],
    ['SystemMaxUse', '-1', /is not a size/],
    ['SystemMaxUse', '0', /would not bound the journal/],
    ['MaxFileSec', '1fortnight', /--max-file-sec: "1fortnight" is not a time span/],
    ['MaxFileSec', '0', /would not bound/],
    ['RateLimitBurst', '1.5', /--rate-limit-burst: "1.5" is not a whole number/],
    ['RateLimitBurst', '99999999999', /is out of range \(1\.\.4294967295\)/],
    ['RateLimitIntervalSec', '0.5us', /is below 1ms/],
    ['MaxFileSec', '584543years', /beyond systemd's range/],
    ['SystemMaxFiles', '\t', /contains a newline, control character/],
  ])('%s %j is refused naming the flag', (key, raw, message) => {
    expect(() => parseLimitValue(spec(key), raw)).toThrow(UsageError);
    expect(() => parseLimitValue(spec(key), raw)).toThrow(message);
  });
});

describe('limitValuesFromOptions', () => {
  it('reads every limit flag in the drop-in order', () => {
    const options = Object.fromEntries(LIMIT_SPECS.map((s) => [s.option, s.kind === 'count' ? '3' : s.kind === 'size' ? '1M' : '1h']));
    expect(limitValuesFromOptions(options).map((v) => `${v.spec.key}=${v.text}`)).toEqual([
      'SystemMaxUse=1M',
      'SystemKeepFree=1M',
      'SystemMaxFileSize=1M',
      'SystemMaxFiles=3',
      'RuntimeMaxUse=1M',
      'MaxRetentionSec=1h',
      'MaxFileSec=1h',
      'RateLimitIntervalSec=1h',
      'RateLimitBurst=3',
    ]);
  });

  it('a missing value names the flag', () => {
    expect(() => limitValuesFromOptions({})).toThrow(/--system-max-use: a value is required/);
  });
});
