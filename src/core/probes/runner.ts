import { TIMED_OUT, withDeadline } from './deadline.js';
import { describeProbeError } from './probe-error.js';
import type { Probe, ProbeContext, ProbeResult } from './types.js';
import { monotonicMs } from './monotonic.js';

/**
 * Default cap per probe: a dead NFS mount hangs statfs, a stuck journalctl hangs forever. Sized for a
 * loaded Pi (the report is wanted exactly then): every probe finished well inside it with 2 CPU hogs
 * per core (test/investigate/report-under-load.test.ts); above STATFS_TIMEOUT_MS so a dead mount is
 * reported as the statfs that hung rather than as the probe.
 */
export const PROBE_TIMEOUT_MS = 10_000;

/** What the runner records for every probe it ran: the report shows it, --verbose logs it. */
export interface ProbeRun<T> {
  name: string;
  ok: boolean;
  durationMs: number;
  error?: string;
  result: ProbeResult<T>;
}

/**
 * Run one probe under a timeout. A probe that throws or hangs becomes
 * "unavailable: <why>" with its name logged; it never spoils the others.
 */
export async function runProbe<T>(probe: Probe<T>, ctx: ProbeContext, timeoutMs = PROBE_TIMEOUT_MS): Promise<ProbeRun<T>> {
  const started = monotonicMs();
  let result: ProbeResult<T>;
  try {
    const outcome = await withDeadline(probe.sample(ctx), timeoutMs);
    result = outcome === TIMED_OUT ? { available: false, reason: `timed out after ${timeoutMs} ms` } : outcome;
  } catch (err) {
    result = { available: false, reason: describeProbeError(err) };
  }
  const durationMs = monotonicMs() - started;
  if (!result.available) ctx.logger.debug(`probe ${probe.name}: unavailable: ${result.reason}`);
  return {
    name: probe.name,
    ok: result.available,
    durationMs,
    ...(result.available ? {} : { error: result.reason }),
    result,
  };
}

type ProbeData<P> = P extends Probe<infer T> ? T : never;
export type ProbeRuns<M extends Record<string, Probe<unknown>>> = { [K in keyof M]: ProbeRun<ProbeData<M[K]>> };

/** Run a set of probes concurrently, each under its own timeout; never throws. */
export async function runProbes<M extends Record<string, Probe<unknown>>>(probes: M, ctx: ProbeContext): Promise<ProbeRuns<M>> {
  const entries = await Promise.all(Object.entries(probes).map(async ([key, probe]) => [key, await runProbe(probe, ctx)] as const));
  return Object.fromEntries(entries) as ProbeRuns<M>;
}
