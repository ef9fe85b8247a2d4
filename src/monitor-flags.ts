import { Option } from 'commander';
import { MONITOR_SETTINGS, spanProblem, type SettingRow, type SpanRow } from './core/config/monitor-settings.js';
import { UsageError } from './core/errors.js';
import { formatSizeExact, formatTimeSpan, parseDuration, parseInteger, parseNumber, parseSize } from './core/units.js';
import { escapeOutside } from './core/text/escape-outside.js';

/**
 * `vpt monitor`'s setting flags, derived from the settings table
 * (core/config/monitor-settings.ts): each row with a flag becomes one
 * commander Option with its parser, default (shown as the operator would type
 * it) and environment variable.
 */

/** A comma-separated flag, repeatable: every item, trimmed, empty ones left out. */
export const splitList = (value: string, previous: string[] = []) => [
  ...previous,
  ...value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
];

/** --devices: an empty list (`--devices ''`, `--devices ,`) would mean "every device": refused. */
export const deviceList = (value: string, previous: string[] = []) => {
  const devices = splitList(value, previous);
  if (devices.length === 0)
    throw new UsageError(`--devices: "${value}" names no device; give folder names, e.g. --devices capture1,capture2 (leave the flag out for every device)`);
  return devices;
};

/** The flag's long name without its argument: `--stall-after`. */
export function flagName(row: SettingRow): string {
  return (row.flag ?? '').split(' ')[0]!;
}

/** A span flag's value, refused with one line when it is below the row's floor or above its ceiling. */
function spanParser(row: SpanRow): (value: string) => number {
  const name = flagName(row);
  return (value) => {
    const ms = parseDuration(value, name);
    const problem = spanProblem(row, ms);
    if (problem) throw new UsageError(`${name}: "${escapeOutside(value)}" is ${problem}`);
    return ms;
  };
}

function optionOf(row: SettingRow & { flag: string }): Option {
  const option = new Option(row.flag, row.help);
  const name = flagName(row);
  if (row.env) option.env(row.env);
  switch (row.kind) {
    case 'span':
      option.argParser(spanParser(row));
      if (row.default !== undefined) option.default(row.default, formatTimeSpan(row.default));
      break;
    case 'size':
      option.argParser((v) => parseSize(v, name));
      if (row.default !== undefined) option.default(row.default, formatSizeExact(row.default));
      break;
    case 'integer':
      option.argParser((v) => parseInteger(v, name, row.min, row.max));
      if (row.default !== undefined) option.default(row.default);
      break;
    case 'number':
      option.argParser((v) => parseNumber(v, name, row.min, row.max));
      if (row.default !== undefined) option.default(row.default);
      break;
    case 'choice':
      option.choices(row.choices);
      if (row.default !== undefined) option.default(row.default);
      break;
    case 'devices':
      option.argParser(deviceList);
      break;
    case 'text':
      if (row.default !== undefined) option.default(row.default);
      break;
    case 'switch':
    case 'on-switch':
    case 'rects':
      break;
  }
  return option;
}

/** One commander Option per row that has a flag, in the table's order. */
export function monitorSettingOptions(): Option[] {
  return (MONITOR_SETTINGS as readonly SettingRow[]).filter((r): r is SettingRow & { flag: string } => r.flag !== undefined).map(optionOf);
}
