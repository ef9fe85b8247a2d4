import { HEALTH_UNIT_PATHS } from '../probes/health-sampling.js';
import { quoteExecArg } from './exec-arg.js';

/**
 * The files `vpt investigate --install` writes: a systemd oneshot service
 * plus a 30 s timer, or a cron.d file with two lines a minute (cron cannot
 * do better than a minute, so the second line sleeps 30 s first).
 */

export const TIMER_UNIT = 'vpt-health.timer';
export const SAMPLE_INTERVAL = '30s';

/** A /bin/sh word for a cron line; cron turns an unescaped `%` into a newline, so it is escaped. */
export function shellWord(arg: string): string {
  const quoted = /^[\w\-./:=,@+]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
  return quoted.replace(/%/g, '\\%');
}

/** The words of a timed job's two units: who installed them, and what they do. `vpt setup` writes its own. */
export interface TimedJobText {
  header: string;
  serviceDescription: string;
  timerDescription: string;
}

const HEALTH_TEXT: TimedJobText = {
  header: '# Installed by `vpt investigate --install`; remove with `vpt investigate --uninstall`.',
  serviceDescription: 'vpt health sample (memory, tmpfs, journal, OOM kills)',
  timerDescription: 'vpt health sample every 30 s',
};

export function serviceUnit(command: readonly string[], text: TimedJobText = HEALTH_TEXT): string {
  return [
    text.header,
    '[Unit]',
    `Description=${text.serviceDescription}`,
    'Documentation=man:systemd.timer(5)',
    '',
    '[Service]',
    'Type=oneshot',
    `ExecStart=${command.map(quoteExecArg).join(' ')}`,
    // A sample (or a clean-up) must never compete with the captures it watches.
    'Nice=10',
    'IOSchedulingClass=idle',
    '',
  ].join('\n');
}

export function timerUnit(text: TimedJobText = HEALTH_TEXT, interval = SAMPLE_INTERVAL): string {
  return [
    text.header,
    '[Unit]',
    `Description=${text.timerDescription}`,
    '',
    '[Timer]',
    `OnBootSec=${interval}`,
    `OnUnitActiveSec=${interval}`,
    // The default AccuracySec=1min would merge the 30 s runs into one a minute.
    'AccuracySec=1s',
    '',
    '[Install]',
    'WantedBy=timers.target',
    '',
  ].join('\n');
}

export function cronFile(command: readonly string[], user: string): string {
  const line = command.map(shellWord).join(' ');
  return [
    '# Installed by `vpt investigate --install --cron`; remove with `vpt investigate --uninstall --cron`.',
    '# A health sample every 30 s: cron runs each minute, the second line 30 s later.',
    'SHELL=/bin/sh',
    'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    `* * * * * ${user} ${line}`,
    `* * * * * ${user} sleep 30 && ${line}`,
    '',
  ].join('\n');
}

export interface PlannedFile {
  path: string;
  content: string;
}

export function systemdFiles(command: readonly string[]): PlannedFile[] {
  return [
    { path: HEALTH_UNIT_PATHS.service, content: serviceUnit(command) },
    { path: HEALTH_UNIT_PATHS.timer, content: timerUnit() },
  ];
}

export function cronFiles(command: readonly string[], user: string): PlannedFile[] {
  return [{ path: HEALTH_UNIT_PATHS.cron, content: cronFile(command, user) }];
}
