import { z } from 'zod';
import { deviceNameProblem } from '../layout/device-name.js';
import { CAPTURE_SIZE } from '../frames/frame-size.js';
import { parseDuration, parseSize } from '../units.js';
import { spanProblem, TOML_ROWS, type SettingRow, type SpanRow } from './monitor-settings.js';
import { actionsSection } from '../actions/action-schema.js';
import type { ActionsInput } from '../actions/action-settings.js';

/**
 * The schema of vpt.toml. Keys are the monitor's flags in snake_case
 * (`--min-event` is `min_event`); `[monitor]` holds the defaults for every
 * device, `[devices.<name>]` what one device does differently. Unknown keys
 * are refused (a typo must not be silently ignored). Values come out in the
 * units the flags use: milliseconds, bytes, capture pixels.
 */

/** A time span as the flags take it ("30s", "1h 30min"), inside the row's floor and ceiling; malformed spans are refused. */
const duration = (row: SpanRow) =>
  z.string().transform((text, ctx) => {
    let ms: number;
    try {
      ms = parseDuration(text, 'time span');
    } catch {
      ctx.addIssue({ code: 'custom', message: `"${text}" is not a time span; use e.g. "500ms", "30s", "10min", "1h"` });
      return z.NEVER;
    }
    const problem = spanProblem(row, ms);
    if (problem) {
      ctx.addIssue({ code: 'custom', message: `"${text}" is ${problem}` });
      return z.NEVER;
    }
    return ms;
  });

const size = z.union([z.number().int().min(0), z.string()]).transform((value, ctx) => {
  if (typeof value === 'number') return value;
  try {
    return parseSize(value, 'size');
  } catch {
    ctx.addIssue({ code: 'custom', message: `"${value}" is not a size; use e.g. "512M", "1G"` });
    return z.NEVER;
  }
});

const int = (min: number, max: number) => z.number().int().min(min).max(max);

/** An `ignore` rectangle in capture pixels, inside the 1280x720 capture. */
const rect = z
  .strictObject({ x: int(0, CAPTURE_SIZE.width - 1), y: int(0, CAPTURE_SIZE.height - 1), w: int(1, CAPTURE_SIZE.width), h: int(1, CAPTURE_SIZE.height) })
  .superRefine((r, ctx) => {
    if (r.x + r.w > CAPTURE_SIZE.width) {
      ctx.addIssue({ code: 'custom', path: ['w'], message: `x + w = ${r.x + r.w} is past the capture's width (${CAPTURE_SIZE.width})` });
    }
    if (r.y + r.h > CAPTURE_SIZE.height) {
      ctx.addIssue({ code: 'custom', path: ['h'], message: `y + h = ${r.y + r.h} is past the capture's height (${CAPTURE_SIZE.height})` });
    }
  });

/** Masks per section: far more than any picture has logos. */
const IGNORE_RECTS_MAX = 64;

/** The TOML value of one row of the settings table. */
function valueOf(row: SettingRow): z.ZodType {
  switch (row.kind) {
    case 'span':
      return duration(row);
    case 'size':
      return size;
    case 'integer':
      return int(row.min, row.max);
    case 'number':
      return z.number().min(row.min).max(row.max);
    case 'choice':
      return z.enum(row.choices as [string, ...string[]]);
    case 'switch':
    case 'on-switch':
      return z.boolean();
    case 'text':
      return z.string().min(1);
    case 'devices':
      return z.array(
        z.string().refine((n) => deviceNameProblem(n) === undefined, { error: (issue) => `invalid device name: ${deviceNameProblem(String(issue.input))}` }),
      );
    case 'rects':
      return z.array(rect).max(IGNORE_RECTS_MAX);
  }
}

const shapeOf = (rows: readonly SettingRow[]) => Object.fromEntries(rows.map((row) => [row.toml!, valueOf(row)]));

/** `[monitor]`: every row with a TOML key; `[devices.<name>]`: the device-scoped ones. */
const monitorSection = z.strictObject(shapeOf(TOML_ROWS)).partial();
const deviceSection = z.strictObject(shapeOf(TOML_ROWS.filter((row) => row.scope === 'device'))).partial();

export const configSchema = z.strictObject({
  monitor: monitorSection.optional(),
  /** Commands run when incidents open (actions/action-schema.ts). */
  actions: actionsSection.optional(),
  // Names are checked on the parsed TOML itself: zod's record drops a `__proto__` key without a word.
  devices: z
    .preprocess(
      (devices, ctx) => {
        if (typeof devices !== 'object' || devices === null) return devices;
        for (const name of Object.keys(devices)) {
          const problem = deviceNameProblem(name);
          if (problem) ctx.addIssue({ code: 'custom', path: [name], message: `invalid device name: ${problem}`, input: name });
        }
        return devices;
      },
      z.record(z.string(), deviceSection),
    )
    .optional(),
});

/** A validated file: values in the flags' units (ms, bytes, capture pixels), keyed by TOML key. */
export interface ConfigFile {
  monitor?: Record<string, unknown>;
  devices?: Record<string, Record<string, unknown>>;
  /** `[actions]` (actions/action-schema.ts), read by actions/action-settings.ts. */
  actions?: ActionsInput;
}
