import { execa } from 'execa';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { renderMonitorUnit } from '../../src/core/systemd/monitor-unit.js';
import { quoteExecArg } from '../../src/core/systemd/exec-arg.js';
import { makeTempDir, VPT_BIN } from '../helpers/run-vpt.js';

const systemdAnalyze = await execa('systemd-analyze', ['--version'], { reject: false }).then(
  (r) => r.exitCode === 0,
  () => false,
);

/** Parse unit text into sections of key -> values (a key may repeat, e.g. Environment=). */
function parseUnit(text: string): Map<string, Map<string, string[]>> {
  const sections = new Map<string, Map<string, string[]>>();
  let current: Map<string, string[]> | undefined;
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const header = /^\[(\w+)\]$/.exec(line);
    if (header) {
      current = new Map();
      sections.set(header[1]!, current);
      continue;
    }
    const kv = /^([A-Za-z]+)=(.*)$/.exec(line);
    if (!kv || !current) throw new Error(`not a unit line: ${line}`);
    current.set(kv[1]!, [...(current.get(kv[1]!) ?? []), kv[2]!]);
  }
  return sections;
}

describe('renderMonitorUnit', () => {
  const unit = renderMonitorUnit({
    execPath: '/usr/bin/node',
    args: ['/opt/vpt/bin/vpt', 'monitor', '--devices', 'capture1,capture2', '--stream-root', '/srv/my stream'],
    user: 'vpt',
  });
  const sections = parseUnit(unit);
  const service = sections.get('Service')!;
  const one = (key: string) => service.get(key)?.[0];

  it('has the three sections and only well-formed lines', () => {
    expect([...sections.keys()]).toEqual(['Unit', 'Service', 'Install']);
    expect(sections.get('Install')!.get('WantedBy')).toEqual(['multi-user.target']);
    expect(unit.endsWith('\n')).toBe(true);
  });

  it('runs the monitor as a restartable, memory-capped service that stops cleanly', () => {
    // systemd/notify.ts: READY=1 once watching, WATCHDOG=1 at half of WatchdogSec, through systemd-notify, a child: all.
    expect(one('Type')).toBe('notify');
    expect(one('NotifyAccess')).toBe('all');
    expect(one('WatchdogSec')).toBe('30');
    expect(one('ExecStart')).toBe('/usr/bin/node /opt/vpt/bin/vpt monitor --devices capture1,capture2 --stream-root "/srv/my stream"');
    expect(one('User')).toBe('vpt');
    expect(one('Restart')).toBe('on-failure');
    expect(one('RestartSec')).toBe('5');
    expect(one('KillSignal')).toBe('SIGTERM');
    expect(one('TimeoutStopSec')).toBe('10');
    expect(one('MemoryMax')).toBe('300M');
    expect(one('MemoryHigh')).toBe('240M');
    expect(service.get('Environment')).toEqual(['VPT_STATE_DIR=%S/vpt', 'MALLOC_ARENA_MAX=2']);
    expect(one('StandardError')).toBe('journal');
    expect(one('NoNewPrivileges')).toBe('yes');
    expect(one('StateDirectory')).toBe('vpt');
  });

  it('takes another MemoryMax, and no User= when none is given', () => {
    const other = parseUnit(renderMonitorUnit({ execPath: '/usr/local/bin/vpt', args: ['monitor'], memoryMax: 512 * 1024 * 1024 })).get('Service')!;
    expect(other.get('MemoryMax')).toEqual(['512M']);
    expect(other.get('MemoryHigh')).toEqual(['409M']);
    expect(other.has('User')).toBe(false);
  });

  it('escapes specifiers, variables, quotes and backslashes in arguments', () => {
    expect(quoteExecArg('plain-arg')).toBe('plain-arg');
    expect(quoteExecArg('100%')).toBe('100%%');
    expect(quoteExecArg('$HOME')).toBe('$$HOME');
    expect(quoteExecArg('a "b"')).toBe('"a \\"b\\""');
    expect(quoteExecArg('back\\slash')).toBe('"back\\\\slash"');
    expect(quoteExecArg('')).toBe('""');
    expect(() => quoteExecArg('two\nlines')).toThrow(UsageError);
  });

  it('refuses a relative program path and a bad user name', () => {
    expect(() => renderMonitorUnit({ execPath: 'node', args: [] })).toThrow(/absolute/);
    expect(() => renderMonitorUnit({ execPath: '/usr/bin/node', args: [], user: 'root\nExecStartPre=/bin/evil' })).toThrow(UsageError);
  });

  // systemd's own parser: it warns on stderr (exit 0) for unknown keys or bad values.
  it.runIf(systemdAnalyze)('passes systemd-analyze verify without a single warning', async () => {
    const { dir, cleanup } = await makeTempDir('vpt-unit-');
    try {
      const file = path.join(dir, 'vpt-monitor.service');
      await writeFile(file, renderMonitorUnit({ execPath: process.execPath, args: [VPT_BIN, 'monitor', '--stream-root', '/srv/my stream'], user: 'root' }));
      const result = await execa('systemd-analyze', ['verify', file], { reject: false, timeout: 30_000 });
      expect(result.stderr).toBe('');
      expect(result.exitCode).toBe(0);
    } finally {
      await cleanup();
    }
  });
});
