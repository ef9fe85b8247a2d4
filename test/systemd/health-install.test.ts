import { access, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { cronFile, serviceUnit, shellWord } from '../../src/core/systemd/health-install-files.js';
import { quoteExecArg } from '../../src/core/systemd/exec-arg.js';
import { REPO_ROOT, makeTempDir, runVpt } from '../helpers/run-vpt.js';

let temp: { dir: string; cleanup: () => Promise<void> };
beforeEach(async () => {
  temp = await makeTempDir('vpt-install-');
});
afterEach(async () => temp.cleanup());

const exists = (file: string) =>
  access(file).then(
    () => true,
    () => false,
  );

describe('quoting for systemd and cron', () => {
  it('systemd words: plain as is, spaces quoted, % and $ doubled', () => {
    expect(quoteExecArg('/usr/bin/node')).toBe('/usr/bin/node');
    expect(quoteExecArg('/srv/my logs')).toBe('"/srv/my logs"');
    expect(quoteExecArg('/x/100%')).toBe('/x/100%%');
    expect(quoteExecArg('$HOME')).toBe('$$HOME');
    expect(quoteExecArg('a"b')).toBe('"a\\"b"');
  });

  it('the health service refuses a control character in its command, as the monitor unit does (a newline would start a new directive)', () => {
    expect(() => serviceUnit(['/usr/bin/node', '/opt/vpt/bin/vpt', '--log-dir', '/srv/logs\nExecStartPre=/bin/rm'])).toThrow(UsageError);
  });

  it('cron words: shell-quoted, and % escaped (cron would turn it into a newline)', () => {
    expect(shellWord('/usr/bin/node')).toBe('/usr/bin/node');
    expect(shellWord("/srv/it's here")).toBe("'/srv/it'\\''s here'");
    expect(shellWord('/x/100%')).toBe("'/x/100\\%'");
  });

  it('the units and the cron file carry the command', () => {
    expect(serviceUnit(['/usr/bin/node', '/opt/vpt/bin/vpt', 'investigate', '--health', '-q'])).toContain(
      'ExecStart=/usr/bin/node /opt/vpt/bin/vpt investigate --health -q\n',
    );
    const cron = cronFile(['/usr/bin/node', '/opt/vpt/bin/vpt', 'investigate', '--health', '-q'], 'pi').split('\n');
    expect(cron.filter((l) => l.startsWith('* * * * *'))).toEqual([
      '* * * * * pi /usr/bin/node /opt/vpt/bin/vpt investigate --health -q',
      '* * * * * pi sleep 30 && /usr/bin/node /opt/vpt/bin/vpt investigate --health -q',
    ]);
  });
});

describe('vpt investigate --install / --uninstall --root DIR', () => {
  const base = () => ['investigate', '--root', temp.dir, '--log-dir', path.join(temp.dir, 'logs'), '--stream-root', '/srv/stream'];

  it('installs the systemd service and 30 s timer, and removes them', async () => {
    const install = await runVpt([...base(), '--install', '--prom', '/var/lib/node_exporter/textfile_collector/vpt.prom', '--for', '2']);
    expect(install.exitCode).toBe(0);
    const service = await readFile(path.join(temp.dir, 'etc/systemd/system/vpt-health.service'), 'utf8');
    const timer = await readFile(path.join(temp.dir, 'etc/systemd/system/vpt-health.timer'), 'utf8');
    expect(service).toContain('Type=oneshot\n');
    expect(service).toContain(
      `ExecStart=${process.execPath} ${path.join(REPO_ROOT, 'bin/vpt')} investigate --health -q --log-dir ${path.join(temp.dir, 'logs')} --stream-root /srv/stream --for 2 --prom /var/lib/node_exporter/textfile_collector/vpt.prom\n`,
    );
    for (const line of ['OnBootSec=30s', 'OnUnitActiveSec=30s', 'AccuracySec=1s', 'WantedBy=timers.target']) expect(timer).toContain(`${line}\n`);
    expect((await stat(path.join(temp.dir, 'etc/systemd/system/vpt-health.timer'))).mode & 0o777).toBe(0o644);
    // --root never runs systemctl.
    expect(install.stdout).not.toMatch(/systemctl/);

    const uninstall = await runVpt([...base(), '--uninstall']);
    expect(uninstall.exitCode).toBe(0);
    expect(uninstall.stdout).toMatch(/removed .*vpt-health\.timer/);
    expect(await exists(path.join(temp.dir, 'etc/systemd/system/vpt-health.service'))).toBe(false);
    expect((await runVpt([...base(), '--uninstall'])).stdout).toMatch(/not installed: nothing to remove/);
  });

  it('--cron writes a cron.d file with two lines a minute, one 30 s late', async () => {
    expect((await runVpt([...base(), '--install', '--cron'])).exitCode).toBe(0);
    const cron = await readFile(path.join(temp.dir, 'etc/cron.d/vpt-health'), 'utf8');
    const lines = cron.split('\n').filter((l) => l.startsWith('* * * * *'));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\* \* \* \* \* \S+ \S+node \S+bin\/vpt investigate --health -q --log-dir /);
    expect(lines[1]).toMatch(/^\* \* \* \* \* \S+ sleep 30 && \S+node /);
    expect((await runVpt([...base(), '--uninstall', '--cron'])).exitCode).toBe(0);
    expect(await exists(path.join(temp.dir, 'etc/cron.d/vpt-health'))).toBe(false);
  });

  it('--dry-run prints the files and writes nothing', async () => {
    const dry = await runVpt([...base(), '--install', '--dry-run']);
    expect(dry.exitCode).toBe(0);
    expect(dry.stdout).toMatch(/would write .*vpt-health\.service\n {4}# Installed by/);
    expect(dry.stdout).toContain('    AccuracySec=1s');
    expect(await exists(path.join(temp.dir, 'etc'))).toBe(false);
  });

  it('refuses what cannot work, with the fix', async () => {
    const both = await runVpt(['investigate', '--install', '--uninstall']);
    expect(both.exitCode).toBe(2);
    expect(both.stderr.trim()).toBe('vpt: --install and --uninstall exclude each other; pick one');
    // This machine has no systemd: the live install says to use cron instead (as root), or sudo (not root).
    const live = await runVpt(['investigate', '--install']);
    expect(live.exitCode).toBe(2);
    expect(live.stderr.trim()).toMatch(
      /^vpt: (systemd is not running on this host .*use --install --cron instead|installing health sampling writes to \/etc: run it with sudo.*)$/,
    );
  });
});
