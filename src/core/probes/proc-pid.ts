import { readFileSync, readdirSync } from 'node:fs';

/**
 * Reading and parsing the per-process files of /proc. Parsers are pure and
 * tested on literal text; readers take the proc root as a parameter.
 * (/proc/<pid>/status's parser is memory/proc-status.ts, on the ground
 * floor: the monitor's own memory line uses it too.)
 */

/** The fields of /proc/<pid>/stat vpt uses (proc(5) numbering in comments). */
export interface ProcStat {
  pid: number;
  /** (2) comm, up to 15 characters, may contain spaces and parentheses. */
  comm: string;
  /** (3) R, S, D, Z, ... */
  state: string;
  /** (14) + (15) CPU time in clock ticks. */
  utimeTicks: number;
  stimeTicks: number;
  /** (22) start time after boot in clock ticks: with the pid, it identifies one process for its life. */
  startTicks: number;
}

/** USER_HZ: 100 on every Linux architecture vpt runs on (arm, arm64, x86). */
export const CLOCK_TICKS_PER_SECOND = 100;

/** Parse /proc/<pid>/stat. comm ends at the LAST ')' because it can contain ')' itself. */
export function parseProcStat(text: string): ProcStat | undefined {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  const pid = Number(text.slice(0, open).trim());
  const rest = text
    .slice(close + 2)
    .trim()
    .split(/\s+/);
  // rest[0] is field 3; field n is rest[n - 3].
  const field = (n: number): number => Number(rest[n - 3]);
  if (!Number.isInteger(pid) || rest.length < 20) return undefined;
  const stat = {
    pid,
    comm: text.slice(open + 1, close),
    state: rest[0]!,
    utimeTicks: field(14),
    stimeTicks: field(15),
    startTicks: field(22),
  };
  return [stat.utimeTicks, stat.stimeTicks, stat.startTicks].every(Number.isFinite) ? stat : undefined;
}

/** /proc/<pid>/cmdline is NUL-separated with a trailing NUL; empty for kernel threads and zombies. */
export function splitCmdline(raw: string): string[] {
  const parts = raw.split('\0');
  if (parts.at(-1) === '') parts.pop();
  // A process that rewrote its title may use spaces in one argument instead of NULs.
  return parts.length === 1 && parts[0]!.includes(' ') ? parts[0]!.split(' ').filter(Boolean) : parts;
}

/*
 * The readers are synchronous on purpose: /proc files are generated in
 * memory and never wait on a disk, and a scan reads hundreds of them. Going
 * through the libuv thread pool (open, fstat, read, close per file) cost
 * the 30 s health sample several times the CPU of reading them directly.
 */

/** Every numeric entry of the proc root. */
export async function listPids(procRoot: string): Promise<number[]> {
  return readdirSync(procRoot)
    .filter((e) => /^\d+$/.test(e))
    .map(Number);
}

/** Read one file of one process; a process that exits meanwhile gives undefined (not an error). */
export async function readPidFile(procRoot: string, pid: number, file: string): Promise<string | undefined> {
  try {
    return readFileSync(`${procRoot}/${pid}/${file}`, 'utf8');
  } catch {
    return undefined;
  }
}

/** A whole /proc file, or `fallback` when it cannot be read (a fixture without it, a locked-down /proc). */
export function readProcOr(file: string, fallback = ''): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return fallback;
  }
}
