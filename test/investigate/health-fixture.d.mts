/** Types of health-fixture.mjs (the tests' and the docs examples' health logs and /proc trees). */
export interface FixtureProcess {
  name: string;
  pid: number;
  /** When it started, ms since the epoch (its /proc/<pid>/stat starttime is derived from the boot time). */
  startMs: number;
  /** RSS in MB at `ms`, or undefined when the process was not running then. */
  mbAt: (ms: number) => number | undefined;
}

export interface ProcProcess {
  pid: number;
  argv: string[];
  startMs: number;
  rssMB: number;
}

export const FARM_PROC: string;
export function startTicks(startMs: number, bootMs: number): number;
export function noise(amplitude: number, seed?: number): () => number;
export function sawtooth(baseMB: number, toothMB: number, toothMin: number): (ms: number) => number;
export function writeHealthLog(
  logDir: string,
  processes: readonly FixtureProcess[],
  window: { fromMs: number; toMs: number; everyMs: number; bootMs: number },
): Promise<number>;
export function procStat(p: ProcProcess, bootMs: number, ticks?: number): string;
export function writeFakeProc(root: string, processes: readonly ProcProcess[], bootMs: number, loadavg?: string): Promise<void>;
