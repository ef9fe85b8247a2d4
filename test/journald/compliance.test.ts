import { describe, expect, it } from 'vitest';
import { checkCompliance } from '../../src/core/journald/compliance.js';
import type { Setting } from '../../src/core/journald/effective-config.js';
import { LIMIT_SPECS, parseLimitValue } from '../../src/core/journald/limits.js';
import { describeStorage } from '../../src/core/journald/storage.js';

const DEFAULTS: Record<string, string> = {
  SystemMaxUse: '500M',
  SystemKeepFree: '1G',
  SystemMaxFileSize: '50M',
  SystemMaxFiles: '10',
  RuntimeMaxUse: '100M',
  MaxRetentionSec: '1week',
  MaxFileSec: '1day',
  RateLimitIntervalSec: '30s',
  RateLimitBurst: '10000',
};
const recommended = LIMIT_SPECS.map((s) => parseLimitValue(s, DEFAULTS[s.key]!));
const FILE = '/etc/systemd/journald.conf.d/50-site.conf';

function settings(values: Record<string, string>): Map<string, Setting> {
  return new Map(Object.entries(values).map(([k, v]) => [k, { value: v, source: FILE, line: 2 }]));
}
const onDisk = describeStorage({ value: 'persistent', source: FILE, line: 1 }, true);

function statusOf(values: Record<string, string>, key: string, storage = onDisk): string {
  return checkCompliance(settings(values), recommended, storage).limits.find((l) => l.key === key)!.status;
}

describe('checkCompliance', () => {
  it.each([
    // key, configured value, expected status: both sides of each threshold
    ['SystemMaxUse', '500M', 'ok'],
    ['SystemMaxUse', '524288000', 'ok'],
    ['SystemMaxUse', '501M', 'not compliant'],
    ['SystemMaxUse', '100M', 'ok'],
    ['SystemMaxUse', '10%', 'not compliant'],
    ['SystemKeepFree', '1G', 'ok'],
    ['SystemKeepFree', '2G', 'ok'],
    ['SystemKeepFree', '1023M', 'not compliant'],
    ['SystemMaxFiles', '10', 'ok'],
    ['SystemMaxFiles', '11', 'not compliant'],
    ['MaxRetentionSec', '1week', 'ok'],
    ['MaxRetentionSec', '6d', 'ok'],
    ['MaxRetentionSec', '8d', 'not compliant'],
    ['MaxRetentionSec', '0', 'not compliant'],
    ['MaxFileSec', '86400', 'ok'],
    ['MaxFileSec', '1month', 'not compliant'],
    ['RateLimitIntervalSec', '30s', 'ok'],
    ['RateLimitIntervalSec', '1min', 'ok'],
    ['RateLimitIntervalSec', '10s', 'not compliant'],
    ['RateLimitBurst', '10000', 'ok'],
    ['RateLimitBurst', '10001', 'not compliant'],
    ['RateLimitBurst', '0', 'not compliant'],
  ])('%s=%s is %s', (key, value, expected) => {
    expect(statusOf({ [key]: value }, key)).toBe(expected);
  });

  it('unset sizes are not compliant; unset keys with a fixed journald default are judged by it', () => {
    const report = checkCompliance(new Map(), recommended, onDisk);
    const byKey = Object.fromEntries(report.limits.map((l) => [l.key, l]));
    expect(byKey.SystemMaxUse!.status).toBe('not compliant');
    expect(byKey.SystemMaxUse!.source).toBe('default');
    expect(byKey.RuntimeMaxUse!.status).toBe('not compliant');
    expect(byKey.SystemMaxFiles!.status).toBe('not compliant'); // journald's default is 100
    expect(byKey.MaxRetentionSec!.status).toBe('not compliant'); // 0: off
    expect(byKey.MaxFileSec!.status).toBe('not compliant'); // 1 month
    expect(byKey.RateLimitIntervalSec!.status).toBe('ok'); // 30s
    expect(byKey.RateLimitBurst!.status).toBe('ok'); // 10000
    expect(report.compliant).toBe(false);
  });

  it('with the journal in RAM (Storage=volatile) the System* limits are not counted', () => {
    const volatile = describeStorage({ value: 'volatile', source: FILE, line: 1 }, true);
    const all = Object.fromEntries(Object.entries(DEFAULTS).filter(([k]) => !k.startsWith('System')));
    const report = checkCompliance(settings(all), recommended, volatile);
    expect(report.limits.filter((l) => l.status === 'not counted').map((l) => l.key)).toEqual([
      'SystemMaxUse',
      'SystemKeepFree',
      'SystemMaxFileSize',
      'SystemMaxFiles',
    ]);
    expect(report.compliant).toBe(true);
    expect(checkCompliance(settings({ ...all, RuntimeMaxUse: '200M' }), recommended, volatile).compliant).toBe(false);
  });

  it('every recommended value applied is compliant; --persistent also wants Storage=persistent', () => {
    expect(checkCompliance(settings(DEFAULTS), recommended, onDisk, true).compliant).toBe(true);
    const auto = describeStorage(undefined, true);
    const report = checkCompliance(settings(DEFAULTS), recommended, auto, true);
    expect(report.limits.at(-1)).toMatchObject({ key: 'Storage', status: 'not compliant', source: 'default' });
  });
});

describe('describeStorage', () => {
  it.each([
    [undefined, false, 'auto', 'ram', /Storage=auto and \/var\/log\/journal does not exist/],
    [undefined, true, 'auto', 'disk', /kept on disk/],
    ['volatile', true, 'volatile', 'ram', /lives only in RAM.*--apply --persistent/],
    ['persistent', false, 'persistent', 'disk', /kept on disk/],
    ['none', true, 'none', 'none', /keeps no journal/],
    ['bogus', false, 'auto', 'ram', /Storage=bogus is not a value journald knows/],
  ] as const)('Storage=%s, /var/log/journal exists: %s -> %s in %s', (value, exists, mode, location, note) => {
    const info = describeStorage(value === undefined ? undefined : { value, source: FILE, line: 1 }, exists);
    expect(info.mode).toBe(mode);
    expect(info.location).toBe(location);
    expect(info.note).toMatch(note);
  });
});
