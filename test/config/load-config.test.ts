import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/config/config-error.js';
import { loadConfig } from '../../src/core/config/load-config.js';
import { parseConfig } from '../../src/core/config/parse-config.js';
import { keyLines, lineOf } from '../../src/core/config/key-lines.js';
import { makeTempDir } from '../helpers/run-vpt.js';

const FILE = '/etc/vpt/vpt.toml';

/** The error lines parseConfig throws for `text`. */
function errors(text: string): string[] {
  try {
    parseConfig(FILE, text);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message.split('\n');
  }
  throw new Error('the file was accepted');
}

describe('parseConfig refuses every bad file with file:line: key', () => {
  it.each([
    {
      what: 'a syntax error',
      text: '[monitor]\nmin_event = "5s"\n[devices.capture1\nfps = 5\n',
      lines: [/^\/etc\/vpt\/vpt\.toml:3: TOML syntax error: /],
    },
    {
      what: 'an unknown key',
      text: '[monitor]\nmin_event = "5s"\n\n[devices.capture1]\nfps = 5\nclock_mask = true\n',
      lines: [/^\/etc\/vpt\/vpt\.toml:6: devices\.capture1\.clock_mask: unknown key$/],
    },
    {
      what: 'an unknown section',
      text: '[monitr]\nfps = 5\n',
      lines: [/^\/etc\/vpt\/vpt\.toml:1: monitr: unknown key$/],
    },
    {
      what: 'a wrong type',
      text: '[monitor]\nfps = 5\n\n[devices.capture1]\naudio = "off"\n',
      lines: [/^\/etc\/vpt\/vpt\.toml:5: devices\.capture1\.audio: .*expected boolean/],
    },
    {
      what: 'a mask outside the frame',
      text: '[devices.capture1]\nfps = 5\nignore = [\n  { x = 0, y = 0, w = 10, h = 10 },\n  { x = 1200, y = 700, w = 160, h = 60 },\n]\n',
      lines: [
        /^\/etc\/vpt\/vpt\.toml:3: devices\.capture1\.ignore\[1\]\.w: x \+ w = 1360 is past the capture's width \(1280\)$/,
        /^\/etc\/vpt\/vpt\.toml:3: devices\.capture1\.ignore\[1\]\.h: y \+ h = 760 is past the capture's height \(720\)$/,
      ],
    },
    {
      what: 'a mask as an array of tables, outside the frame',
      text: '[devices.capture1]\nfps = 5\n\n[[devices.capture1.ignore]]\nx = 0\ny = 0\nw = 10\nh = 10\n\n[[devices.capture1.ignore]]\nx = -5\ny = 0\nw = 10\nh = 10\n',
      lines: [/^\/etc\/vpt\/vpt\.toml:11: devices\.capture1\.ignore\[1\]\.x: .*>=0/],
    },
    {
      what: 'a negative time',
      text: '[monitor]\nclear_time = "-1s"\n',
      lines: [/^\/etc\/vpt\/vpt\.toml:2: monitor\.clear_time: "-1s" is not a time span/],
    },
    {
      what: 'a negative number where a time goes',
      text: '[monitor]\nmin_event = -5\n',
      lines: [/^\/etc\/vpt\/vpt\.toml:2: monitor\.min_event: .*expected string/],
    },
    {
      what: 'a device name that walks out of the stream root',
      text: '[devices."../etc"]\nfps = 5\n',
      lines: [/^\/etc\/vpt\/vpt\.toml:1: devices\.\.\.\/etc: invalid device name: it contains "\/"/],
    },
  ])('$what', ({ text, lines }) => {
    const got = errors(text);
    expect(got).toHaveLength(lines.length);
    got.forEach((line, i) => expect(line).toMatch(lines[i]!));
  });

  it('lists at most 20 errors, then counts the rest', () => {
    const text = Array.from({ length: 30 }, (_, i) => `[devices.capture${i}]\nfps = "x"\n`).join('');
    const got = errors(text);
    expect(got).toHaveLength(21);
    expect(got[20]).toBe(`${FILE}: 10 more errors`);
  });

  it('lists several errors, sorted by line', () => {
    const got = errors('[monitor]\nfps = "x"\nqueue_limit = 0\n[devices.capture1]\nnope = 1\n');
    expect(got.map((l) => l.split(':')[1])).toEqual(['2', '3', '5']);
  });

  it('accepts a full file and gives the values in the flags units', () => {
    const config = parseConfig(
      FILE,
      '[monitor]\nmin_event = "5s"\nclear_time = "1500ms"\nmemory_alert = "512M"\nfreeze_rule = "seed"\n[devices.capture1]\nfps = 2\nignore = [{ x = 1100, y = 20, w = 160, h = 60 }]\nstall_after = "1min"\n',
    );
    expect(config.monitor).toEqual({ min_event: 5000, clear_time: 1500, memory_alert: 512 * 1024 ** 2, freeze_rule: 'seed' });
    expect(config.devices?.capture1).toEqual({ fps: 2, ignore: [{ x: 1100, y: 20, w: 160, h: 60 }], stall_after: 60_000 });
  });
});

describe('loadConfig', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  beforeEach(async () => (tmp = await makeTempDir('vpt-config-')));
  afterEach(() => tmp.cleanup());

  it('skips an absent default file, refuses an absent named one', async () => {
    const missing = path.join(tmp.dir, 'vpt.toml');
    await expect(loadConfig(missing, false)).resolves.toEqual({ file: undefined, config: {} });
    await expect(loadConfig(missing, true)).rejects.toThrow(`${missing}: cannot read the config file (ENOENT)`);
  });

  it('refuses a folder and an oversized file unread', async () => {
    await mkdir(path.join(tmp.dir, 'dir.toml'));
    await expect(loadConfig(path.join(tmp.dir, 'dir.toml'), true)).rejects.toThrow('not a regular file');
    const big = path.join(tmp.dir, 'big.toml');
    await writeFile(big, `# ${'x'.repeat(2 * 1024 * 1024)}\n`);
    await expect(loadConfig(big, true)).rejects.toThrow(/more than a config file can be/);
  });
});

describe('keyLines', () => {
  it('finds keys under headers, dotted keys, quoted keys and arrays of tables', () => {
    const lines = keyLines('a = 1\n[devices.capture1]\nfps = 5\nx.y = 2\n[devices."cap 2"]\naudio = false\n[[t.list]]\nk = 1\n[[t.list]]\nk = 2\n');
    expect(lines.get('a')).toBe(1);
    expect(lines.get('devices.capture1.fps')).toBe(3);
    expect(lines.get('devices.capture1.x.y')).toBe(4);
    expect(lines.get('devices.cap 2.audio')).toBe(6);
    expect(lines.get('t.list.1.k')).toBe(10);
    expect(lineOf(lines, ['devices', 'capture1', 'ignore', 0, 'x'])).toBe(2);
  });

  it('remembers at most KEY_LINES_MAX keys of a huge document', () => {
    const lines = keyLines(Array.from({ length: 25_000 }, (_, i) => `k${i} = ${i}`).join('\n'));
    expect(lines.size).toBe(10_000);
    expect(lines.get('k9999')).toBe(10_000);
    expect(lineOf(lines, ['k20000'])).toBeUndefined();
  });
});
