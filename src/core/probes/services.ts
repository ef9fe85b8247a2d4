import { stat } from 'node:fs/promises';
import path from 'node:path';
import { listPids, readPidFile, splitCmdline } from './proc-pid.js';
import { matchTracked } from './tracked-match.js';
import { available, type Probe, type ProbeContext } from './types.js';

/** A service a capture host cannot do without, and the process that shows it runs when systemd cannot say. */
export interface CriticalService {
  unit: string;
  process: string;
}

/** The web server that serves the HLS stream, cron (tmp-clean, health), journald, the monitor. */
export const CRITICAL_SERVICES: readonly CriticalService[] = [
  { unit: 'nginx', process: 'nginx' },
  { unit: 'cron', process: 'cron' },
  { unit: 'systemd-journald', process: 'systemd-journal' },
  { unit: 'vpt-monitor', process: 'vpt monitor' },
];

export interface ServiceState {
  unit: string;
  /** undefined when the state could not be determined. */
  active: boolean | undefined;
  state: string;
  via: 'systemctl' | 'process';
}

const COMMAND_TIMEOUT_MS = 3_000;

/** sd_booted(3): systemd is the init system when /run/systemd/system exists. */
export async function systemdRunning(rootfs: string): Promise<boolean> {
  return (await stat(path.join(rootfs, 'run/systemd/system')).catch(() => undefined))?.isDirectory() === true;
}

async function viaSystemctl(ctx: ProbeContext): Promise<ServiceState[]> {
  const units = CRITICAL_SERVICES.map((s) => s.unit);
  const result = await ctx.run('systemctl', ['is-active', ...units], { timeoutMs: COMMAND_TIMEOUT_MS });
  const states = result.stdout.trim().split('\n');
  if (result.timedOut || states.length !== units.length) throw new Error(result.stderr.trim() || 'systemctl gave no answer');
  // is-active exits non-zero when any unit is inactive: the per-unit lines are the answer.
  return units.map((unit, i) => ({ unit, active: states[i] === 'active', state: states[i]!, via: 'systemctl' as const }));
}

async function viaProc(ctx: ProbeContext): Promise<ServiceState[]> {
  const pids = await listPids(ctx.procRoot);
  const argvs = (await Promise.all(pids.map((pid) => readPidFile(ctx.procRoot, pid, 'cmdline')))).map((c) => splitCmdline(c ?? ''));
  return CRITICAL_SERVICES.map(({ unit, process }) => {
    const running = argvs.some((argv) => matchTracked(argv, [process]) !== undefined);
    return { unit, active: running, state: running ? 'process running' : 'no process', via: 'process' as const };
  });
}

/** systemctl when systemd runs the host; otherwise look for the service's process in /proc. */
export const servicesProbe: Probe<ServiceState[]> = {
  name: 'services',
  async sample(ctx) {
    if (await systemdRunning(ctx.rootfs)) {
      try {
        return available(await viaSystemctl(ctx));
      } catch (err) {
        ctx.logger.debug(`services: systemctl failed, matching processes instead: ${String(err)}`);
      }
    }
    return available(await viaProc(ctx));
  },
};
