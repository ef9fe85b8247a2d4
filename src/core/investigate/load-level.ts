/**
 * What counts as high load, for the report (CPU section, diagnosis) and the health sample (its
 * level and the Nagios thresholds) alike: the 5-minute load average per core. Above 1 work queues
 * up; above 2 captures drop frames.
 */

export const LOAD_WARN_PER_CORE = 1;
export const LOAD_CRITICAL_PER_CORE = 2;

export type LoadLevel = 'ok' | 'warn' | 'critical';

interface LoadJudgement {
  perCore: number;
  level: LoadLevel;
}

/** undefined when the number of cores is unknown: no per-core figure to judge. */
export function judgeLoad(load: { load5: number; cores?: number | undefined }): LoadJudgement | undefined {
  if (!load.cores) return undefined;
  const perCore = load.load5 / load.cores;
  return { perCore, level: perCore > LOAD_CRITICAL_PER_CORE ? 'critical' : perCore > LOAD_WARN_PER_CORE ? 'warn' : 'ok' };
}
