// fs.promises, not node:fs/promises: cli.ts reads this module's defaults, and loading fs/promises
// (with readline and the stream modules) at start-up was a tenth of `vpt --help`.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parseProcStatus } from './proc-status.js';
import { formatMB, formatSizeExact } from '../units.js';

/** docs/design.md: warn above `--memory-alert`, default 1G. */
export const DEFAULT_MEMORY_ALERT_BYTES = 1024 ** 3;
/** How often the monitor logs its own RSS (`--memory-log-interval`). */
export const DEFAULT_MEMORY_LOG_INTERVAL_MS = 3_600_000;

export interface SelfMemory {
  /** Resident set size now (VmRSS). */
  rssBytes: number;
  /** Peak resident set size since start (VmHWM), when the kernel reports it. */
  hwmBytes?: number;
}

/**
 * Our own memory as the kernel (and the OOM killer) sees it. Returns
 * undefined when /proc/self/status cannot be read or has no VmRSS.
 */
export async function readSelfMemory(procRoot = '/proc'): Promise<SelfMemory | undefined> {
  let text: string;
  try {
    text = await fs.readFile(path.join(procRoot, 'self', 'status'), 'utf8');
  } catch {
    return undefined;
  }
  const { rssBytes, hwmBytes } = parseProcStatus(text);
  if (rssBytes === undefined) return undefined;
  return hwmBytes === undefined ? { rssBytes } : { rssBytes, hwmBytes };
}

/** `[MEMORY] vpt monitor using 85.2MB RAM` */
export function formatMemoryLine(rssBytes: number): string {
  return `[MEMORY] vpt monitor using ${formatMB(rssBytes)} RAM`;
}

/** `[MEMORY] vpt monitor exceeds 1GB (1234.5MB) - possible memory leak!` */
export function formatMemoryAlert(rssBytes: number, alertBytes: number): string {
  return `[MEMORY] vpt monitor exceeds ${formatSizeExact(alertBytes)}B (${formatMB(rssBytes)}) - possible memory leak!`;
}

export function exceedsAlert(memory: SelfMemory, alertBytes: number): boolean {
  return memory.rssBytes > alertBytes;
}
