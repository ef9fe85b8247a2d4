import { execa, type ResultPromise } from 'execa';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * A real process named like a tracked farm script: `python3 <dir>/capture_monitor.py`
 * that allocates memory (touching every page, so it is resident) and holds it,
 * optionally growing at a fixed rate of wall time.
 */
const SCRIPT = `
import sys, time
hold_mb, rate_mb_s, max_mb = float(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
MB = 1024 * 1024
chunks = [b'x' * int(hold_mb * MB)]
allocated = hold_mb
start = time.monotonic()
print('ready', flush=True)
while True:
    if rate_mb_s > 0:
        target = min(max_mb, hold_mb + rate_mb_s * (time.monotonic() - start))
        if target - allocated >= 0.25:
            chunks.append(b'x' * int((target - allocated) * MB))
            allocated = target
    time.sleep(0.05)
`;

export interface MemoryChild {
  pid: number;
  process: ResultPromise;
  stop(): Promise<void>;
}

export async function startMemoryChild(dir: string, options: { holdMB: number; rateMBps?: number; maxMB?: number }): Promise<MemoryChild> {
  const script = path.join(dir, 'capture_monitor.py');
  await writeFile(script, SCRIPT);
  const child = execa('python3', [script, String(options.holdMB), String(options.rateMBps ?? 0), String(options.maxMB ?? 1024)], {
    reject: false,
    stdin: 'ignore',
    buffer: false,
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`memory child exited early (${code})`)));
  });
  return {
    pid: child.pid!,
    process: child,
    stop: async () => {
      child.kill('SIGKILL');
      await child;
    },
  };
}

/** VmRSS of a live process, bytes, as /proc reports it. */
export async function vmRss(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)![1]) * 1024;
}
