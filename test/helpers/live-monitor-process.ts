import { execa, type ResultPromise } from 'execa';
import { copyFile, mkdir, readdir, rename, stat, utimes } from 'node:fs/promises';
import path from 'node:path';
import { VPT_BIN } from './run-vpt.js';

/** A real `vpt monitor` child with its stdout JSON lines and stderr lines collected as they come. */
export interface MonitorProcess {
  child: ResultPromise;
  pid: number;
  events: Record<string, unknown>[];
  stderr: string[];
  waitForEvent(match: (e: Record<string, unknown>) => boolean, what: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  waitForStderr(pattern: RegExp, timeoutMs?: number): Promise<string>;
}

/** `prefix`: a command the monitor runs under (`setpriv ...`, `unshare ... sh -c ... exec "$@"`); it must exec the monitor so `pid` is the monitor's. */
export function startMonitor(args: string[], env: Record<string, string>, options: { prefix?: string[] } = {}): MonitorProcess {
  const [program, ...before] = [...(options.prefix ?? []), VPT_BIN];
  const child = execa(program!, [...before, 'monitor', '--json', '--verbose', ...args], {
    reject: false,
    env: { NO_COLOR: '1', ...env },
    stdin: 'ignore',
    buffer: false,
  });
  const events: Record<string, unknown>[] = [];
  const stderr: string[] = [];
  const lines = (into: (line: string) => void) => {
    let rest = '';
    return (chunk: Buffer) => {
      rest += chunk.toString();
      const parts = rest.split('\n');
      rest = parts.pop()!;
      for (const p of parts) if (p !== '') into(p);
    };
  };
  child.stdout!.on(
    'data',
    lines((l) => events.push(JSON.parse(l) as Record<string, unknown>)),
  );
  child.stderr!.on(
    'data',
    lines((l) => stderr.push(l)),
  );
  const poll = async <T>(find: () => T | undefined, what: string, timeoutMs: number): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = find();
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; stderr:\n${stderr.join('\n')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return {
    child,
    pid: child.pid!,
    events,
    stderr,
    waitForEvent: (match, what, timeoutMs = 60_000) => poll(() => events.find(match), what, timeoutMs),
    waitForStderr: (pattern, timeoutMs = 60_000) => poll(() => stderr.find((l) => pattern.test(l)), `stderr ${pattern}`, timeoutMs),
  };
}

/**
 * Feed frames from a generated capture folder into a live folder the way
 * ffmpeg writes them (thumbnail then capture, each as `<name>.tmp`, mtime
 * set, renamed into place), at `rate` frames per second of wall time while
 * keeping their 5 fps capture-clock mtimes.
 */
/**
 * `ahead`: never write more than `max` frames beyond what the monitor has analysed, so a loaded
 * machine cannot push the queue into backlog sampling (which changes what is analysed, by design).
 */
export async function feedFrames(
  sourceDir: string,
  liveDir: string,
  options: { rate: number; from?: number; to?: number; ahead?: { analysed: () => number; max: number } },
): Promise<number> {
  const names = (await readdir(path.join(sourceDir, 'captures'))).filter((n) => /^capture_\d{9}\.jpg$/.test(n)).sort();
  const slice = names.slice(options.from ?? 0, options.to);
  await mkdir(path.join(liveDir, 'captures'), { recursive: true });
  await mkdir(path.join(liveDir, 'thumbnails'), { recursive: true });
  const started = Date.now();
  for (const [i, name] of slice.entries()) {
    const due = started + (i * 1000) / options.rate;
    if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
    const waitUntil = Date.now() + 30_000;
    while (options.ahead && i - options.ahead.analysed() > options.ahead.max) {
      if (Date.now() > waitUntil) throw new Error(`the monitor analysed only ${options.ahead.analysed()} of ${i} frames in 30 s`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const thumb = name.replace('.jpg', '_thumbnail.jpg');
    await place(path.join(sourceDir, 'thumbnails', thumb), path.join(liveDir, 'thumbnails', thumb));
    await place(path.join(sourceDir, 'captures', name), path.join(liveDir, 'captures', name));
  }
  return slice.length;
}

async function place(source: string, target: string): Promise<void> {
  const { mtime } = await stat(source);
  await copyFile(source, `${target}.tmp`);
  await utimes(`${target}.tmp`, mtime, mtime);
  await rename(`${target}.tmp`, target);
}
