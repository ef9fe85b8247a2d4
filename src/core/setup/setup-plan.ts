import { renderMonitorUnit } from '../systemd/monitor-unit.js';
import { cronFile, serviceUnit, shellWord, timerUnit, type TimedJobText } from '../systemd/health-install-files.js';
import { HEALTH_UNIT_PATHS } from '../probes/health-sampling.js';
import { dropInPath } from '../journald/drop-in.js';

/**
 * What `vpt setup` deploys on a capture host, as files and folders (host paths, without --root):
 * the monitor service, the 30 s health timer, a tmp-clean timer (or cron.d files where systemd is
 * absent), the journald drop-in, the state and log folders. Every unit comes from the writers in
 * core/systemd; nothing here is read or written (core/setup/setup-apply.ts does that).
 */

export const SETUP_HEADER = '# Installed by `vpt setup`; remove with `vpt setup --uninstall`.';
export const STATE_DIR = '/var/lib/vpt';
export const LOG_DIR = '/var/log/vpt';
/** What setup installed, so --uninstall removes exactly that (core/setup/setup-manifest.ts). */
export const MANIFEST_PATH = '/etc/vpt/setup-manifest.json';
/** tmp-clean's period: leftovers are "older than 10 minutes" (docs/tmp-clean.md), so checking more often finds nothing new. */
export const TMP_CLEAN_INTERVAL = '10min';
const TMP_CLEAN_CRON = '*/10 * * * *';

export const UNIT_PATHS = {
  monitor: '/etc/systemd/system/vpt-monitor.service',
  tmpCleanService: '/etc/systemd/system/vpt-tmp-clean.service',
  tmpCleanTimer: '/etc/systemd/system/vpt-tmp-clean.timer',
  tmpCleanCron: '/etc/cron.d/vpt-tmp-clean',
} as const;

export interface SetupInputs {
  /** Absolute node and vpt launcher paths (systemd's PATH may not hold node). */
  node: string;
  vpt: string;
  /** undefined: none found or given, so the monitor finds them at each start. */
  devices: readonly string[] | undefined;
  /** The monitor's arguments beyond --devices (e.g. --stream-root when not the default). */
  monitorArgs: readonly string[];
  /** The health sample's whole command (investigate's sampleCommand). */
  healthCommand: readonly string[];
  /** The journald drop-in's content (core/journald/drop-in.ts renderDropIn). */
  journaldDropIn: string;
  /** Timers as cron.d files, no monitor unit and no journald drop-in: a host without systemd. */
  cron: boolean;
}

export interface SetupFile {
  path: string;
  content: string;
}

export interface SetupPlan {
  files: SetupFile[];
  dirs: string[];
  /** Units to enable and start (systemd only). */
  units: string[];
}

export function planSetup(inputs: SetupInputs): SetupPlan {
  const tmpClean = [inputs.node, inputs.vpt, 'tmp-clean', '-q'];
  const text = (what: string, every: string): TimedJobText => ({
    header: SETUP_HEADER,
    serviceDescription: `vpt ${what}`,
    timerDescription: `vpt ${what} every ${every}`,
  });
  const dirs = [STATE_DIR, LOG_DIR];
  if (inputs.cron) {
    return {
      files: [
        { path: `/${HEALTH_UNIT_PATHS.cron}`, content: cronFile(inputs.healthCommand, 'root').replace(/^# Installed by .*$/m, SETUP_HEADER) },
        {
          path: UNIT_PATHS.tmpCleanCron,
          content: [SETUP_HEADER, 'SHELL=/bin/sh', `${TMP_CLEAN_CRON} root ${tmpClean.map(shellWord).join(' ')}`, ''].join('\n'),
        },
      ],
      dirs,
      units: [],
    };
  }
  const monitorArgs = [inputs.vpt, 'monitor', ...(inputs.devices ? ['--devices', inputs.devices.join(',')] : []), ...inputs.monitorArgs];
  const monitor = renderMonitorUnit({ execPath: inputs.node, args: monitorArgs, header: ['# vpt capture monitor.', SETUP_HEADER] });
  return {
    files: [
      { path: UNIT_PATHS.monitor, content: monitor },
      { path: `/${HEALTH_UNIT_PATHS.service}`, content: serviceUnit(inputs.healthCommand, text('health sample (memory, tmpfs, journal, OOM kills)', '30 s')) },
      { path: `/${HEALTH_UNIT_PATHS.timer}`, content: timerUnit(text('health sample', '30 s')) },
      { path: UNIT_PATHS.tmpCleanService, content: serviceUnit(tmpClean, text('leftover audio temp file clean-up', '10 min')) },
      { path: UNIT_PATHS.tmpCleanTimer, content: timerUnit(text('leftover audio temp file clean-up', '10 min'), TMP_CLEAN_INTERVAL) },
      { path: dropInPath('/'), content: inputs.journaldDropIn },
    ],
    dirs,
    units: ['vpt-monitor.service', 'vpt-health.timer', 'vpt-tmp-clean.timer'],
  };
}
