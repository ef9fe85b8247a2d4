import { execa } from 'execa';
import { chmod, mkdir, readFile, symlink } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Report } from '../../src/core/investigate/report-types.js';

/** `--json` is snake_case (docs/schemas/investigate-report.schema.json): the fields read here. */
type ReportJson = Pick<Report, 'sections' | 'probes' | 'diagnosis'> & { saved_to: string };
import { VPT_BIN, makeTempDir, runVpt } from '../helpers/run-vpt.js';
import { REPORT_SECTIONS } from './report-sections.js';

/** Tier 3: the full report from the real binary, including when programs are missing or not permitted. */

const ANSI = /\u001b\[/;
const CAN_RUN_AS_ANOTHER_USER = process.getuid?.() === 0 && (await execa('setpriv', ['--version'], { reject: false }).catch(() => undefined))?.exitCode === 0;

let temp: { dir: string; cleanup: () => Promise<void> };
let dirs: { log: string; stream: string; tmp: string; bin: string };
beforeEach(async () => {
  temp = await makeTempDir('vpt-report-e2e-');
  dirs = { log: path.join(temp.dir, 'log'), stream: path.join(temp.dir, 'stream'), tmp: path.join(temp.dir, 'tmp'), bin: path.join(temp.dir, 'bin') };
  for (const d of Object.values(dirs)) await mkdir(d, { recursive: true });
  // A PATH with node only: dmesg, journalctl, last, systemctl and vcgencmd are all "not installed".
  await symlink(process.execPath, path.join(dirs.bin, 'node'));
});
afterEach(async () => temp.cleanup());

const args = () => ['investigate', '--log-dir', dirs.log, '--stream-root', dirs.stream];

describe('vpt investigate (full report)', () => {
  it('completes with every section when the external programs are missing, and says why per section', async () => {
    const { exitCode, stdout, stderr } = await runVpt([...args(), '--json'], { env: { PATH: dirs.bin, TMPDIR: dirs.tmp } });
    expect(stderr).toBe('');
    expect([0, 1, 2]).toContain(exitCode);
    const report = JSON.parse(stdout) as ReportJson;
    expect(report.sections.map((s) => s.id)).toEqual(REPORT_SECTIONS);
    for (const section of report.sections) expect(section.checks.length).toBeGreaterThan(0);
    const check = (id: string) => report.sections.find((s) => s.id === id)!.checks;
    expect(check('oom')[0]).toMatchObject({
      status: 'unavailable',
      detail: expect.stringMatching(/^unavailable: dmesg: dmesg is not installed.*journalctl -k: journalctl is not installed/),
    });
    expect(check('boots')[0]).toMatchObject({ status: 'unavailable', detail: expect.stringMatching(/last is not installed/) });
    expect(check('system').find((c) => c.label === 'throttling')).toMatchObject({
      status: 'unavailable',
      detail: expect.stringMatching(/vcgencmd is not installed/),
    });
    // Sections that only read /proc and files are unaffected.
    expect(check('memory')[0]!.status).not.toBe('unavailable');
    expect(check('oom')[1]).toMatchObject({ label: 'since boot', detail: expect.stringMatching(/OOM kill\(s\) \(\/proc\/vmstat\)/) });
    expect(report.probes.find((p) => p.name === 'kernel-oom')).toMatchObject({ ok: false });
    expect(Array.isArray(report.diagnosis)).toBe(true);
    const saved = await readFile(report.saved_to, 'utf8');
    expect(path.basename(report.saved_to)).toMatch(/^investigation_\d{8}_\d{6}\.txt$/);
    for (const title of ['System status', 'Memory and swap', 'OOM-killer events', 'Memory trends (last 3h)', 'Diagnosis']) expect(saved).toContain(title);
    expect(saved).toMatch(/\[unavailable\] kernel log +unavailable: dmesg: dmesg is not installed/);
  });

  it('colours the terminal output but saves the report without ANSI codes', async () => {
    const result = await execa(VPT_BIN, args(), { env: { FORCE_COLOR: '1', NO_COLOR: undefined, TMPDIR: dirs.tmp }, reject: false });
    expect(result.stdout).toMatch(ANSI);
    const savedTo = /saved to (\S+)/.exec(result.stdout)![1]!;
    const saved = await readFile(savedTo, 'utf8');
    expect(saved).not.toMatch(ANSI);
    expect(saved).toContain('Diagnosis');
  });

  // Needs root and setpriv (util-linux) to run vpt as another user; CI runs as root with setpriv.
  it.runIf(CAN_RUN_AS_ANOTHER_USER)(
    'a probe denied permission (temp folder of another user) says "unavailable: permission denied"; the report completes',
    async () => {
      await chmod(temp.dir, 0o755);
      await chmod(dirs.log, 0o777);
      await chmod(dirs.tmp, 0o700);
      const result = await execa('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', VPT_BIN, ...args(), '--json'], {
        env: { NO_COLOR: '1', TMPDIR: dirs.tmp, HOME: temp.dir },
        reject: false,
      });
      expect(result.stderr).toBe('');
      const report = JSON.parse(String(result.stdout)) as ReportJson;
      expect(report.sections.map((s) => s.id)).toEqual(REPORT_SECTIONS);
      const temp_ = report.sections.find((s) => s.id === 'temp')!.checks[0]!;
      expect(temp_).toMatchObject({ status: 'unavailable', detail: 'unavailable: permission denied' });
      expect(report.sections.find((s) => s.id === 'ffmpeg-logs')!.checks[0]).toMatchObject({ status: 'unavailable', detail: 'unavailable: permission denied' });
    },
  );

  it('-q prints only warnings and critical checks', async () => {
    const { stdout } = await runVpt([...args(), '-q'], { env: { TMPDIR: dirs.tmp } });
    for (const line of stdout.split('\n').filter(Boolean)) expect(line).toMatch(/^(warn|critical): /);
  });
});
