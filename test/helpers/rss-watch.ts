import { readFileSync } from 'node:fs';

/** How often a watched child's resident memory is read (/proc/<pid>/status). */
const RSS_POLL_MS = 50;

/**
 * The peak resident memory of a child process, read from /proc while it runs (VmHWM, the kernel's own
 * high-water mark). Over `killAboveBytes` the child is killed (SIGKILL, by its pid): a test of a memory
 * bound must not take the machine down on the code it proves wrong.
 */
export function watchRss(pid: number, killAboveBytes: number): { peakBytes: () => number; stop: () => void; killed: () => boolean } {
  let peak = 0;
  let killed = false;
  const read = () => {
    let status: string;
    try {
      status = readFileSync(`/proc/${pid}/status`, 'utf8');
    } catch {
      return; // exited
    }
    const kb = Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? 0);
    peak = Math.max(peak, kb * 1024);
    if (peak > killAboveBytes && !killed) {
      killed = true;
      process.kill(pid, 'SIGKILL');
    }
  };
  read();
  const timer = setInterval(read, RSS_POLL_MS);
  return {
    peakBytes: () => {
      read();
      return peak;
    },
    stop: () => clearInterval(timer),
    killed: () => killed,
  };
}
