import { MONITOR_SETTINGS, type SettingRow } from '../../core/config/monitor-settings.js';
import { formatSizeExact, formatTimeSpan } from '../../core/units.js';
import { urlHasSecret } from '../../core/webhook/redact-url.js';

/** Every flag whose value is a URL that can carry a secret, and the variable the monitor also reads it from (the settings table's `env`). */
export const SECRET_URL_FLAGS = [
  { key: 'webhook', flag: '--webhook', env: 'VPT_WEBHOOK' },
  { key: 'alertmanager', flag: '--alertmanager', env: 'VPT_ALERTMANAGER' },
] as const;

/** How a row's value is written in ExecStart=, the way its flag's parser reads it back. */
function unitValue(row: SettingRow, value: unknown): string {
  if (row.kind === 'span') return formatTimeSpan(Number(value));
  if (row.kind === 'size') return formatSizeExact(Number(value));
  if (row.kind === 'devices') return (value as string[]).join(',');
  return String(value);
}

/** The monitor's arguments for the unit: every non-default setting with `unit: true`, explicitly (the unit has no shell environment). */
export function unitArgs(options: Record<string, unknown>): string[] {
  const args = ['monitor'];
  for (const row of MONITOR_SETTINGS as readonly SettingRow[]) {
    if (!row.unit || row.flag === undefined) continue;
    const flag = row.flag.split(' ')[0]!;
    const value = options[row.key];
    if (row.kind === 'on-switch') {
      if (value === false) args.push(flag);
      continue;
    }
    // A URL with a secret stays out of ExecStart= (and so out of `ps`): the unit reads it from its EnvironmentFile.
    if (SECRET_URL_FLAGS.some((f) => f.key === row.key) && typeof value === 'string' && urlHasSecret(value)) continue;
    if (value === undefined || value === false || ('default' in row && value === row.default)) continue;
    if (row.kind === 'switch') args.push(flag);
    else args.push(flag, unitValue(row, value));
  }
  // The global output flags change what the service writes to the journal: keep them too.
  if (options.json === true) args.push('--json');
  if (options.quiet === true) args.push('--quiet');
  if (options.verbose === true) args.push('--verbose');
  return args;
}
