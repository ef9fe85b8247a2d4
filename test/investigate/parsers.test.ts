import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseListBoots, parseLastReboot } from '../../src/core/probes/boots.js';
import { scanFfmpegLog } from '../../src/core/probes/ffmpeg-logs.js';
import { parseOomEvents } from '../../src/core/probes/kernel-oom.js';
import { countCpus, parseBootTime, parseLoadavg } from '../../src/core/probes/load.js';
import { memoryFromMeminfo, parseMeminfo } from '../../src/core/probes/memory.js';
import { mountFor, parseMounts } from '../../src/core/probes/mounts.js';
import { parseProcStatus } from '../../src/core/memory/proc-status.js';
import { parseProcStat, splitCmdline } from '../../src/core/probes/proc-pid.js';
import { parseThrottled, parseVcgencmdTemp } from '../../src/core/probes/raspberry-pi.js';
import { usageFromStatfs } from '../../src/core/probes/statfs-usage.js';
import { matchTracked } from '../../src/core/probes/tracked-match.js';
import { parseUptime } from '../../src/core/probes/uptime.js';
import { parseOomKillCount } from '../../src/core/probes/vmstat.js';
import { DEFAULT_TRACKED_PATTERNS } from '../../src/core/probes/types.js';

const FARM = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/proc/farm');
const fixture = (file: string) => readFileSync(path.join(FARM, file), 'utf8');

describe('/proc parsers on fixture text', () => {
  it('parseMeminfo converts kB to bytes; memory used is total - available', () => {
    const values = parseMeminfo(fixture('meminfo'));
    expect(values.get('MemTotal')).toBe(7998084 * 1024);
    expect(values.get('HugePages_Total')).toBe(0);
    const m = memoryFromMeminfo(values)!;
    expect(m.usedBytes).toBe((7998084 - 1599616) * 1024);
    expect(m.usedPercent).toBeCloseTo(80.0, 1);
    expect(m.swapUsedPercent).toBeCloseTo(50, 1);
  });

  it('memoryFromMeminfo estimates MemAvailable on old kernels and refuses a file without MemTotal', () => {
    const old = memoryFromMeminfo(parseMeminfo('MemTotal: 1000 kB\nMemFree: 100 kB\nBuffers: 50 kB\nCached: 250 kB\n'))!;
    expect(old.availableBytes).toBe(400 * 1024);
    expect(old.swapUsedPercent).toBeUndefined();
    expect(memoryFromMeminfo(parseMeminfo('garbage'))).toBeUndefined();
  });

  it('parses loadavg, CPU count, boot time and uptime', () => {
    expect(parseLoadavg(fixture('loadavg'))).toEqual({ load1: 0.52, load5: 0.58, load15: 0.59, runnable: 2 });
    expect(parseLoadavg('nonsense')).toBeUndefined();
    expect(countCpus(fixture('stat'))).toBe(4);
    expect(parseBootTime(fixture('stat'))).toBe(1760680800);
    expect(parseUptime(fixture('uptime'))).toBe(350735.47);
    expect(parseOomKillCount(fixture('vmstat'))).toBe(3);
    expect(parseOomKillCount('pgfault 1\n')).toBeUndefined();
  });

  it('parseProcStat reads fields after the last parenthesis (comm may contain ") ")', () => {
    expect(parseProcStat(fixture('1234/stat'))).toMatchObject({
      pid: 1234,
      comm: 'python3',
      state: 'S',
      utimeTicks: 93455,
      stimeTicks: 12102,
      startTicks: 1523440,
    });
    const tricky = '42 (my) proc (x)) R 1 42 42 0 -1 0 0 0 0 0 7 3 0 0 20 0 1 0 999 0 0 0';
    expect(parseProcStat(tricky)).toMatchObject({ pid: 42, comm: 'my) proc (x)', state: 'R', utimeTicks: 7, stimeTicks: 3, startTicks: 999 });
    expect(parseProcStat('garbage')).toBeUndefined();
  });

  it('parseProcStatus reads VmRSS in bytes; a kernel thread has none', () => {
    expect(parseProcStatus(fixture('1234/status'))).toEqual({ name: 'python3', rssBytes: 461044 * 1024, hwmBytes: 470000 * 1024, uid: 1000 });
    expect(parseProcStatus(fixture('4567/status')).rssBytes).toBeUndefined();
  });

  it('splitCmdline splits on NUL and handles kernel threads and rewritten titles', () => {
    expect(splitCmdline(fixture('1234/cmdline'))).toEqual(['python3', '-u', '/opt/farm/capture_monitor.py', '--device', 'capture1']);
    expect(splitCmdline('')).toEqual([]);
    expect(splitCmdline('vpt monitor --devices capture1')).toEqual(['vpt', 'monitor', '--devices', 'capture1']);
  });

  it('parseMounts unescapes octal and mountFor picks the longest prefix', () => {
    const mounts = parseMounts(fixture('mounts'));
    expect(mounts.find((m) => m.device === '/dev/sda1')?.mountpoint).toBe('/mnt/usb disk');
    expect(mountFor(mounts, '/var/www/html/stream/capture1/hot')?.fstype).toBe('tmpfs');
    expect(mountFor(mounts, '/var/www/html/stream/capture2/hot')?.mountpoint).toBe('/');
    expect(mountFor(mounts, '/runner')?.mountpoint).toBe('/');
  });

  it('usageFromStatfs counts like df (used / (used + avail), rounded up)', () => {
    // 200M tmpfs with 186M used: 93%.
    const u = usageFromStatfs({ bsize: 4096, blocks: 51200, bfree: 51200 - 47616, bavail: 51200 - 47616 });
    expect(u.usedPercent).toBe(93);
    expect(u.usedBytes).toBe(47616 * 4096);
    // Reserved blocks: avail < free, the percentage is of what users can have.
    expect(usageFromStatfs({ bsize: 1024, blocks: 1000, bfree: 500, bavail: 450 }).usedPercent).toBe(53);
    expect(usageFromStatfs({ bsize: 4096, blocks: 0, bfree: 0, bavail: 0 }).usedPercent).toBe(0);
  });
});

describe('matchTracked names the script or program that matched', () => {
  it.each([
    [['python3', '-u', '/opt/farm/capture_monitor.py', '--device', 'capture1'], 'capture_monitor.py'],
    [['/usr/bin/python3', '/srv/hot_cold_archiver.py'], 'hot_cold_archiver.py'],
    [['python3', 'app.py'], 'app.py'],
    [['node', '/usr/local/bin/vpt', 'monitor', '--devices', 'capture1'], 'vpt monitor'],
    [['/opt/farm/transcript_accumulator'], 'transcript_accumulator'],
  ])('%j -> %s', (argv, name) => {
    expect(matchTracked(argv, DEFAULT_TRACKED_PATTERNS)?.name).toBe(name);
  });

  it.each([
    [['vim', '/opt/farm/notes.txt']],
    [['node', '/usr/local/bin/vpt', 'investigate', '--health']],
    // A log path deep in the arguments is not the script.
    [['ffmpeg', '-i', '/dev/video0', '-f', 'hls', 'out.m3u8', '/var/log/capture_monitor.log']],
    [[]],
  ])('%j does not match', (argv) => {
    expect(matchTracked(argv, DEFAULT_TRACKED_PATTERNS)).toBeUndefined();
  });
});

describe('kernel log, boots, Pi, ffmpeg and journald parsers', () => {
  it('parseOomEvents reads dmesg -T, journalctl short-iso and syslog lines', () => {
    const text = [
      '[Fri Oct 17 14:29:55 2025] python3 invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0',
      '[Fri Oct 17 14:29:55 2025] Out of memory: Killed process 1234 (python3) total-vm:6502000kB, anon-rss:6012000kB, file-rss:0kB, shmem-rss:0kB, UID:1000 pgtables:12000kB oom_score_adj:0',
      '2025-10-17T14:31:02+0200 pi4 kernel: Memory cgroup out of memory: Killed process 2345 (node) total-vm:1200000kB, anon-rss:500000kB',
      'Oct 17 14:35:00 pi4 kernel: [ 3600.123] Out of memory: Killed process 777 (ffmpeg)',
      'Oct 17 14:36:00 pi4 kernel: usb 1-1: new high-speed USB device',
    ].join('\n');
    const { events, total } = parseOomEvents(text);
    expect(total).toBe(3);
    expect(events[0]).toMatchObject({ when: 'Fri Oct 17 14:29:55 2025', pid: 1234, process: 'python3', anonRssBytes: 6012000 * 1024 });
    expect(events[1]).toMatchObject({ when: '2025-10-17T14:31:02+0200', pid: 2345, process: 'node' });
    expect(events[2]).toMatchObject({ when: 'Oct 17 14:35:00', pid: 777, process: 'ffmpeg', anonRssBytes: undefined });
  });

  it('parseOomEvents keeps only the newest MAX_OOM_EVENTS but counts all', () => {
    const line = (i: number) => `[t${i}] Out of memory: Killed process ${i} (p${i})`;
    const { events, total } = parseOomEvents(Array.from({ length: 50 }, (_, i) => line(i)).join('\n'));
    expect(total).toBe(50);
    expect(events).toHaveLength(20);
    expect(events.at(-1)!.pid).toBe(49);
  });

  it('parseListBoots reads both the old and the systemd 252+ layout', () => {
    const old = [
      '-1 0123456789abcdef0123456789abcdef Thu 2025-10-16 08:00:00 CEST—Fri 2025-10-17 07:59:00 CEST',
      ' 0 fedcba9876543210fedcba9876543210 Fri 2025-10-17 08:00:05 CEST—Fri 2025-10-17 14:30:00 CEST',
    ].join('\n');
    const boots = parseListBoots(old);
    expect(boots.map((b) => b.index)).toEqual([0, -1]);
    expect(boots[1]).toMatchObject({ bootId: '0123456789abcdef0123456789abcdef', first: 'Thu 2025-10-16 08:00:00 CEST', last: 'Fri 2025-10-17 07:59:00 CEST' });
    const modern = [
      'IDX BOOT ID                          FIRST ENTRY                 LAST ENTRY',
      ' -1 0123456789abcdef0123456789abcdef Thu 2025-10-16 08:00:00 UTC Fri 2025-10-17 07:59:00 UTC',
      '  0 fedcba9876543210fedcba9876543210 Fri 2025-10-17 08:00:05 UTC Fri 2025-10-17 14:30:00 UTC',
    ].join('\n');
    expect(parseListBoots(modern).map((b) => [b.index, b.first])).toEqual([
      [0, 'Fri 2025-10-17 08:00:05 UTC'],
      [-1, 'Thu 2025-10-16 08:00:00 UTC'],
    ]);
    expect(parseListBoots('No journal files were found.\n')).toEqual([]);
  });

  it('parseLastReboot reads wtmp lines', () => {
    const text = [
      'reboot   system boot  6.1.0-rpi7-rpi-v8 Fri Oct 17 08:00   still running',
      'shutdown system down  6.1.0-rpi7-rpi-v8 Fri Oct 17 07:59 - 08:00  (00:00)',
      'reboot   system boot  6.1.0-rpi7-rpi-v8 Thu Oct 16 07:59 - 07:59 (1+00:00)',
      '',
      'wtmp begins Tue May 20 00:00:00 2025',
    ].join('\n');
    const boots = parseLastReboot(text);
    expect(boots).toHaveLength(2);
    expect(boots[0]!.first).toBe('Fri Oct 17 08:00');
    expect(boots[1]!.last).toBe('07:59');
  });

  it('vcgencmd: temperature and the throttled bits', () => {
    expect(parseVcgencmdTemp("temp=48.3'C\n")).toBe(48.3);
    expect(parseVcgencmdTemp('error=1 error_msg="Command not registered"')).toBeUndefined();
    const t = parseThrottled('throttled=0x50005\n')!;
    expect(t.raw).toBe(0x50005);
    expect(t.flags).toEqual({
      underVoltageNow: true,
      frequencyCappedNow: false,
      throttledNow: true,
      softTempLimitNow: false,
      underVoltageOccurred: true,
      frequencyCappedOccurred: false,
      throttledOccurred: true,
      softTempLimitOccurred: false,
    });
    expect(Object.values(parseThrottled('throttled=0x0')!.flags).some(Boolean)).toBe(false);
    expect(parseThrottled('nothing')).toBeUndefined();
  });

  it('scanFfmpegLog counts each known failure', () => {
    const log = [
      'frame=  120 fps= 25 q=-1.0 size=N/A time=00:00:04.80 bitrate=N/A speed=1x',
      '[segment @ 0x55d] Failed to open segment: No space left on device',
      'av_interleaved_write_frame(): No space left on device',
      '[alsa @ 0x55e] cannot open audio device hw:1,0 (No such file or directory)',
      '[video4linux2,v4l2 @ 0x55f] Cannot open video device /dev/video0: No such file or directory',
      '/dev/video2: No such device',
      '[alsa @ 0x560] ALSA buffer xrun.',
    ].join('\r\n');
    const { counts, examples } = scanFfmpegLog(log);
    expect(counts).toEqual({ noSpace: 2, alsa: 2, videoDeviceMissing: 2, audioDeviceMissing: 1 });
    expect(examples).toHaveLength(3);
  });
});
