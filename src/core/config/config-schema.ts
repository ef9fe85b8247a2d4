import { z } from 'zod';
import { deviceNameProblem } from '../layout/device-name.js';
import { CAPTURE_SIZE } from '../frames/frame-size.js';
import { parseDuration, parseSize } from '../units.js';
import { actionsSection } from '../actions/action-schema.js';

/**
 * The schema of vpt.toml. Keys are the monitor's flags in snake_case
 * (`--min-event` is `min_event`); `[monitor]` holds the defaults for every
 * device, `[devices.<name>]` what one device does differently. Unknown keys
 * are refused (a typo must not be silently ignored). Values come out in the
 * units the flags use: milliseconds, bytes, capture pixels.
 */

/** A time span as the flags take it ("30s", "1h 30min"); negative or malformed spans are refused. */
const duration = z.string().transform((text, ctx) => {
  try {
    return parseDuration(text, 'time span');
  } catch {
    ctx.addIssue({ code: 'custom', message: `"${text}" is not a time span; use e.g. "500ms", "30s", "10min", "1h"` });
    return z.NEVER;
  }
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
const percent = z.number().min(0).max(100);

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

/** What a device section may set: detection and the per-device switches. */
const deviceShape = {
  fps: int(1, 240),
  audio: z.boolean(),
  macroblocks: z.boolean(),
  min_event: duration,
  clear_time: duration,
  stall_after: duration,
  black_threshold: percent,
  dark_luma: int(0, 255),
  freeze_threshold: percent,
  freeze_pixel_diff: int(0, 255),
  freeze_rule: z.enum(['motion', 'seed']),
  motion_min_area: int(1, CAPTURE_SIZE.width * CAPTURE_SIZE.height),
  ignore: z.array(rect).max(64),
  /** First capture row of the zap banner band (default: the bottom 30%, row 504). */
  zap_banner_top: int(0, CAPTURE_SIZE.height - 1),
};

const deviceSection = z.strictObject(deviceShape).partial();

const monitorSection = z
  .strictObject({
    ...deviceShape,
    devices: z.array(z.string().refine((n) => deviceNameProblem(n) === undefined, { message: 'not a plain folder name' })),
    stream_root: z.string().min(1),
    state_dir: z.string().min(1),
    incident_delay: duration,
    queue_limit: int(1, 1_000_000),
    sweep_interval: duration,
    memory_log_interval: duration,
    memory_alert: size,
    webhook: z.string().min(1),
  })
  .partial();

export const configSchema = z.strictObject({
  monitor: monitorSection.optional(),
  /** Commands run when incidents open (actions/action-schema.ts). */
  actions: actionsSection.optional(),
  devices: z
    .record(z.string(), deviceSection)
    .superRefine((devices, ctx) => {
      for (const name of Object.keys(devices)) {
        const problem = deviceNameProblem(name);
        if (problem) ctx.addIssue({ code: 'custom', path: [name], message: `invalid device name: ${problem}` });
      }
    })
    .optional(),
});

export type ConfigFile = z.output<typeof configSchema>;
