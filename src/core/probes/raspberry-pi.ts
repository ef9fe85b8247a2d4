import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describeProbeError } from './probe-error.js';
import { available, unavailable, type Probe, type ProbeContext } from './types.js';

/** Bits of `vcgencmd get_throttled` (Raspberry Pi documentation, "get_throttled"). */
export const THROTTLE_BITS = {
  underVoltageNow: 0,
  frequencyCappedNow: 1,
  throttledNow: 2,
  softTempLimitNow: 3,
  underVoltageOccurred: 16,
  frequencyCappedOccurred: 17,
  throttledOccurred: 18,
  softTempLimitOccurred: 19,
} as const;

export type ThrottleFlag = keyof typeof THROTTLE_BITS;

export interface ThrottleState {
  raw: number;
  flags: Record<ThrottleFlag, boolean>;
}

export interface RaspberryPiInfo {
  temperatureC: number | undefined;
  temperatureSource: 'vcgencmd' | 'thermal_zone0' | undefined;
  throttled: ThrottleState | undefined;
  /** Why throttling is unknown (vcgencmd missing on a non-Pi host). */
  throttledUnavailable?: string;
}

const COMMAND_TIMEOUT_MS = 2_000;

/** `temp=48.3'C` -> 48.3. */
export function parseVcgencmdTemp(text: string): number | undefined {
  const match = /temp=(-?\d+(?:\.\d+)?)'C/.exec(text);
  return match ? Number(match[1]) : undefined;
}

/** `throttled=0x50005` -> each documented bit decoded. */
export function parseThrottled(text: string): ThrottleState | undefined {
  const match = /throttled=(0x[0-9a-fA-F]+|\d+)/.exec(text);
  if (!match) return undefined;
  const raw = Number(match[1]);
  const flags = Object.fromEntries(Object.entries(THROTTLE_BITS).map(([name, bit]) => [name, (raw & (1 << bit)) !== 0])) as Record<ThrottleFlag, boolean>;
  return { raw, flags };
}

async function vcgencmd(ctx: ProbeContext, arg: string): Promise<string> {
  const result = await ctx.run('vcgencmd', [arg], { timeoutMs: COMMAND_TIMEOUT_MS });
  if (result.timedOut) throw new Error(`timed out after ${COMMAND_TIMEOUT_MS} ms`);
  if (result.exitCode !== 0) throw new Error(result.stderr.trim().split('\n')[0] || `exit code ${result.exitCode}`);
  return result.stdout;
}

/** Temperature and throttling through vcgencmd; the kernel's thermal zone gives the temperature elsewhere. */
export const raspberryPiProbe: Probe<RaspberryPiInfo> = {
  name: 'raspberry-pi',
  async sample(ctx) {
    const [temp, throttled] = await Promise.allSettled([vcgencmd(ctx, 'measure_temp'), vcgencmd(ctx, 'get_throttled')]);
    let temperatureC = temp.status === 'fulfilled' ? parseVcgencmdTemp(temp.value) : undefined;
    let temperatureSource: RaspberryPiInfo['temperatureSource'] = temperatureC === undefined ? undefined : 'vcgencmd';
    if (temperatureC === undefined) {
      const zone = await readFile(path.join(ctx.sysRoot, 'class/thermal/thermal_zone0/temp'), 'utf8').catch(() => undefined);
      if (zone !== undefined && /^\d+/.test(zone.trim())) {
        temperatureC = Number.parseInt(zone, 10) / 1000;
        temperatureSource = 'thermal_zone0';
      }
    }
    const throttleState = throttled.status === 'fulfilled' ? parseThrottled(throttled.value) : undefined;
    const whyNot = throttled.status === 'rejected' ? describeProbeError(throttled.reason) : 'unexpected vcgencmd output';
    if (temperatureC === undefined && throttleState === undefined) return unavailable(`${whyNot} (not a Raspberry Pi?)`);
    return available({
      temperatureC,
      temperatureSource,
      throttled: throttleState,
      ...(throttleState ? {} : { throttledUnavailable: whyNot }),
    });
  },
};
