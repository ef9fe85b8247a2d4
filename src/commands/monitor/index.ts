import { realpathSync } from 'node:fs';
import type { MonitorConfig } from '../../core/config/monitor-config.js';
import { EXIT, UsageError } from '../../core/errors.js';
import { renderMonitorUnit } from '../../core/systemd/monitor-unit.js';
import { formatTimeSpan } from '../../core/units.js';
import { redactUrl, urlHasSecret } from '../../core/webhook/redact-url.js';
import type { Ui } from '../../ui.js';
import type { MonitorOptions } from './options.js';
import { SECRET_URL_FLAGS, unitArgs } from './unit-args.js';

/** Where the printed unit reads a URL that carries a secret (VPT_WEBHOOK=..., VPT_ALERTMANAGER=...). */
const SECRETS_ENV_FILE = '/etc/vpt/monitor.env';
/** The secret-carrying URLs of these options, by flag. */
function secretUrls(options: Record<string, unknown>): { flag: string; env: string; url: string }[] {
  return SECRET_URL_FLAGS.flatMap(({ key, flag, env }) => {
    const value = options[key];
    return typeof value === 'string' && urlHasSecret(value) ? [{ flag, env, url: value }] : [];
  });
}

const timeSpan = (value: unknown): string => formatTimeSpan(Number(value));

/** Combinations commander cannot see: each refused with one line that says what to change. */
export function checkCombinations(options: MonitorOptions): void {
  if (options.replay && options.demo) {
    throw new UsageError('--replay and --demo exclude each other: --replay analyses frames on disk, --demo makes its own; pick one');
  }
  if (options.minEvent !== undefined && options.minEvent > options.incidentDelay) {
    throw new UsageError(
      `--min-event ${timeSpan(options.minEvent)} is longer than --incident-delay ${timeSpan(options.incidentDelay)}: ` +
        'an event exists only once it lasts --min-event, so no incident could open at --incident-delay; lower --min-event or raise --incident-delay',
    );
  }
}

export async function run(raw: Record<string, unknown>, ui: Ui): Promise<number> {
  const options = raw as unknown as MonitorOptions;
  checkCombinations(options);
  if (options.printUnit) {
    // node plus the launcher's real path: systemd needs absolute paths and no PATH lookup.
    const launcher = realpathSync(process.argv[1] ?? 'vpt');
    const secrets = secretUrls(raw);
    const environmentFile = secrets.length > 0 && {
      path: SECRETS_ENV_FILE,
      comment: [
        ...secrets.map((s) => `${s.flag} ${redactUrl(s.url)} carries a secret, so it is not written here:`),
        `put ${secrets.map((s) => `${s.env}=<the full URL>`).join(' and ')} in ${SECRETS_ENV_FILE} (chmod 600).`,
      ],
    };
    const unit = renderMonitorUnit({ execPath: process.execPath, args: [launcher, ...unitArgs(raw)], ...(environmentFile ? { environmentFile } : {}) });
    ui.out(unit.trimEnd());
    return EXIT.ok;
  }
  const config = await loadConfig(options);
  if (options.checkConfig) {
    const { printCheckConfig } = await import('./check-config.js');
    printCheckConfig(config, ui);
    return EXIT.ok;
  }
  if (options.demo) {
    // The demo never reads the service's file (a broken one still stops it, above): its settings are its flags and its own scale.
    const { runDemo } = await import('./demo.js');
    return runDemo(options, ui);
  }
  const [{ runOptionsFrom }, { actionSettingsFrom }] = await Promise.all([import('./options.js'), import('../../core/actions/action-settings.js')]);
  let current = config;
  const merged = runOptionsFrom(config);
  const settings = merged.settings;
  // [actions] as loaded now: a SIGHUP swaps them with the detection settings.
  merged.actions = () => actionSettingsFrom(current.config.actions);
  merged.reloadConfig = async () => {
    const next = await loadConfig(options);
    settings.replace(next.settingsFor);
    current = next;
    return `reloaded ${next.file ?? 'the settings (no config file)'}: detection settings of ${settings.size} device${settings.size === 1 ? '' : 's'} and actions updated (fps, audio, devices and paths need a restart)`;
  };
  if (options.replay) {
    const { runReplay } = await import('./replay.js');
    return runReplay(merged, ui);
  }
  const { runLive } = await import('./live.js');
  return runLive(merged, ui);
}

async function loadConfig(options: MonitorOptions): Promise<MonitorConfig> {
  const { loadMonitorConfig } = await import('../../core/config/monitor-config.js');
  return loadMonitorConfig({ options: options as unknown as Record<string, unknown>, explicit: options.explicitOptions ?? [] });
}
