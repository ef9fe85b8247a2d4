export interface ProcStatus {
  name: string | undefined;
  /** VmRSS in bytes: undefined for kernel threads, which have none. */
  rssBytes: number | undefined;
  /** VmHWM (peak RSS) in bytes, when the kernel reports it. */
  hwmBytes: number | undefined;
  uid: number | undefined;
}

/**
 * Parse /proc/<pid>/status: Name, VmRSS and VmHWM (kB -> bytes), real Uid. The one parser of this
 * file (the probes and the monitor's own memory line both use it). Missing fields are undefined, not 0.
 */
export function parseProcStatus(text: string): ProcStatus {
  const name = /^Name:\s*(.*)$/m.exec(text)?.[1];
  const kb = (field: string): number | undefined => {
    const value = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(text)?.[1];
    return value === undefined ? undefined : Number(value) * 1024;
  };
  const uid = /^Uid:\s+(\d+)/m.exec(text)?.[1];
  return { name, rssBytes: kb('VmRSS'), hwmBytes: kb('VmHWM'), uid: uid === undefined ? undefined : Number(uid) };
}
