import { describe, expect, it } from 'vitest';
import { parseJournaldConf } from '../../src/core/journald/conf-parser.js';
import { mergeConfTexts } from '../../src/core/journald/effective-config.js';

describe('parseJournaldConf', () => {
  it('reads [Journal] assignments, skipping comments, blank lines and surrounding whitespace', () => {
    const text = [
      '#  This file is part of systemd.',
      '; another comment style',
      '',
      '[Journal]',
      '#SystemMaxUse=',
      '  SystemMaxUse = 200M  ',
      '\tStorage=volatile',
      ';RuntimeMaxUse=1G',
      'RateLimitBurst=500',
    ].join('\n');
    const { assignments, warnings } = parseJournaldConf(text);
    expect(assignments).toEqual([
      { key: 'SystemMaxUse', value: '200M', line: 6 },
      { key: 'Storage', value: 'volatile', line: 7 },
      { key: 'RateLimitBurst', value: '500', line: 9 },
    ]);
    expect(warnings).toEqual([]);
  });

  it('ignores other sections and warns about assignments outside any section', () => {
    const text = 'SystemMaxUse=1G\n[Other]\nSystemMaxUse=2G\n[Journal]\nSystemMaxUse=3G\n';
    const { assignments, warnings } = parseJournaldConf(text);
    expect(assignments).toEqual([{ key: 'SystemMaxUse', value: '3G', line: 5 }]);
    expect(warnings).toEqual([{ line: 1, message: 'SystemMaxUse= is outside any section; journald ignores it' }]);
  });

  it('joins a line ending in a backslash with the next, as systemd does', () => {
    const { assignments } = parseJournaldConf('[Journal]\nMaxRetentionSec=1h \\\n30min\nRateLimitBurst=5\n');
    expect(assignments).toEqual([
      { key: 'MaxRetentionSec', value: '1h  30min', line: 2 },
      { key: 'RateLimitBurst', value: '5', line: 4 },
    ]);
  });

  it('keeps an empty value (a reset) and warns about lines that are not assignments', () => {
    const { assignments, warnings } = parseJournaldConf('[Journal]\r\nSystemMaxUse=\r\njunk\r\n=5\r\n[Journal\r\n');
    expect(assignments).toEqual([{ key: 'SystemMaxUse', value: '', line: 2 }]);
    expect(warnings.map((w) => w.line)).toEqual([3, 4, 5]);
  });

  it('a value may itself contain "=" (only the first one splits)', () => {
    expect(parseJournaldConf('[Journal]\nNote=a=b\n').assignments).toEqual([{ key: 'Note', value: 'a=b', line: 2 }]);
  });
});

describe('mergeConfTexts', () => {
  it('later files override earlier ones, an empty value resets to the default, old key spellings map to the new', () => {
    const merged = mergeConfTexts([
      { path: '/etc/systemd/journald.conf', text: '[Journal]\nSystemMaxUse=4G\nRuntimeMaxUse=1G\nRateLimitInterval=10s\n' },
      { path: '/usr/lib/systemd/journald.conf.d/10-a.conf', text: '[Journal]\nSystemMaxUse=1G\nRuntimeMaxUse=\n' },
      { path: '/etc/systemd/journald.conf.d/20-b.conf', text: '[Journal]\nSystemMaxUse=500M\nSystemMaxUse=300M\n' },
    ]);
    expect(Object.fromEntries(merged.settings)).toEqual({
      SystemMaxUse: { value: '300M', source: '/etc/systemd/journald.conf.d/20-b.conf', line: 3 },
      RateLimitIntervalSec: { value: '10s', source: '/etc/systemd/journald.conf', line: 4 },
    });
  });

  it('reports warnings with the file they came from', () => {
    const merged = mergeConfTexts([{ path: '/x.conf', text: 'Storage=none\n' }]);
    expect(merged.warnings).toEqual([{ file: '/x.conf', line: 1, message: 'Storage= is outside any section; journald ignores it' }]);
    expect(merged.settings.size).toBe(0);
  });
});
