import { readFileSync } from 'node:fs';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { FRAME_INTERVAL_MS, writeFrameLikeFfmpeg } from '../helpers/frame-writer.js';
import { generateCapture } from '../helpers/generate-capture.js';
import { startMonitor, type MonitorProcess } from '../helpers/live-monitor-process.js';
import { makeTempDir } from '../helpers/run-vpt.js';

/** Frame 0's capture time; frame N is N * 200 ms later (the 5 fps capture clock). */
export const T0 = Date.parse('2025-10-17T14:30:00Z');
export const stem = (sequence: number) => `capture_${String(sequence).padStart(9, '0')}`;

/** Real frames made the way the farm's ffmpeg makes them (moving colour bars: never frozen, never black). */
export interface GoodFrames {
  captures: Buffer[];
  thumbnails: Buffer[];
}

export async function makeGoodFrames(dir: string, seconds = 4): Promise<GoodFrames> {
  const generated = await generateCapture(dir, [{ kind: 'moving', seconds }], { firstMtimeMs: T0 });
  const captures: Buffer[] = [];
  const thumbnails: Buffer[] = [];
  for (let i = 0; i < generated.frames; i++) {
    captures.push(await readFile(path.join(dir, 'captures', `${stem(i)}.jpg`)));
    thumbnails.push(await readFile(path.join(dir, 'thumbnails', `${stem(i)}_thumbnail.jpg`)));
  }
  return { captures, thumbnails };
}

/**
 * A test file's (or describe's) rigs: the good frames made once, and after each test every rig's
 * monitor killed, `afterEachTest` run (unmounts), and the rigs' folders removed. Call it at the top
 * of the file or of a describe; `rigs.create()` in a test.
 */
export function useFaultRigs(prefix: string, afterEachTest?: () => Promise<void>): { create(options?: { hot?: boolean }): Promise<FaultRig> } {
  let good: GoodFrames;
  let cleanupGood: (() => Promise<void>) | undefined;
  const rigs: FaultRig[] = [];
  beforeAll(async () => {
    const dir = await makeTempDir(`${prefix}good-`);
    cleanupGood = dir.cleanup;
    good = await makeGoodFrames(path.join(dir.dir, 'src'));
  }, 120_000);
  afterAll(async () => cleanupGood?.());
  afterEach(async () => {
    for (const rig of rigs) await rig.kill();
    await afterEachTest?.();
    for (const rig of rigs.splice(0)) await rig.cleanup();
  });
  return {
    async create(options = {}) {
      const rig = await FaultRig.create(prefix, good, options);
      rigs.push(rig);
      return rig;
    },
  };
}

/**
 * One temp stream root with device `capture1` (cold layout: the live
 * folders are the device folder's own), a state dir and a TMPDIR, and the
 * real `vpt monitor` binary on it. Only the monitors started here are
 * killed, by their own handles.
 */
export class FaultRig {
  readonly device = 'capture1';
  monitor!: MonitorProcess;
  private constructor(
    readonly root: string,
    private readonly cleanupDir: () => Promise<void>,
    readonly good: GoodFrames,
    /** RAM mode: frames in `<device>/hot/`, cold storage (evidence) in the device folder. */
    readonly hot: boolean,
  ) {}

  static async create(prefix: string, good: GoodFrames, options: { hot?: boolean } = {}): Promise<FaultRig> {
    const { dir, cleanup } = await makeTempDir(prefix);
    const rig = new FaultRig(dir, cleanup, good, options.hot === true);
    for (const d of [rig.stream, rig.stateDir, rig.tmpDir, path.join(rig.live, 'captures'), path.join(rig.live, 'thumbnails')]) {
      await mkdir(d, { recursive: true });
    }
    return rig;
  }

  get stream(): string {
    return path.join(this.root, 'stream');
  }
  get stateDir(): string {
    return path.join(this.root, 'state');
  }
  get tmpDir(): string {
    return path.join(this.root, 'tmp');
  }
  get deviceDir(): string {
    return path.join(this.stream, this.device);
  }
  get live(): string {
    return this.hot ? path.join(this.deviceDir, 'hot') : this.deviceDir;
  }
  get metadata(): string {
    return path.join(this.live, 'metadata');
  }
  capturePath(sequence: number): string {
    return path.join(this.live, 'captures', `${stem(sequence)}.jpg`);
  }
  thumbnailPath(sequence: number): string {
    return path.join(this.live, 'thumbnails', `${stem(sequence)}_thumbnail.jpg`);
  }
  jsonPath(sequence: number): string {
    return path.join(this.metadata, `${stem(sequence)}.json`);
  }

  /** Start the monitor (--no-audio unless `audio`) and wait until it watches the device. */
  async start(extra: string[] = [], options: { prefix?: string[]; env?: Record<string, string>; audio?: boolean } = {}): Promise<MonitorProcess> {
    const args = ['--stream-root', this.stream, '--state-dir', this.stateDir, '--devices', this.device, ...(options.audio ? [] : ['--no-audio']), ...extra];
    this.monitor = startMonitor(args, { TMPDIR: this.tmpDir, ...options.env }, { prefix: options.prefix });
    await this.monitor.waitForEvent((e) => e.event === 'memory', 'the monitor started', 60_000);
    return this.monitor;
  }

  /** Write one frame the ffmpeg way (thumbnail, then capture) at its place on the capture clock. */
  async write(sequence: number, capture: Uint8Array | string, thumbnail?: Uint8Array | string): Promise<void> {
    await writeFrameLikeFfmpeg(this.live, sequence, T0 + sequence * FRAME_INTERVAL_MS, capture, thumbnail);
  }

  /** Good frames `from`..`from+count-1`, each with its real thumbnail. */
  async writeGood(from: number, count: number): Promise<number[]> {
    const written: number[] = [];
    for (let s = from; s < from + count; s++) {
      const i = s % this.good.captures.length;
      await this.write(s, this.good.captures[i]!, this.good.thumbnails[i]!);
      written.push(s);
    }
    return written;
  }

  frameEvent(sequence: number): Record<string, unknown> | undefined {
    return this.monitor.events.find((e) => e.event === 'frame' && e.sequence === sequence);
  }

  async waitForFrame(sequence: number, timeoutMs = 30_000): Promise<Record<string, unknown>> {
    return this.monitor.waitForEvent((e) => e.event === 'frame' && e.sequence === sequence, `frame ${sequence} analysed`, timeoutMs);
  }

  /** Each frame got its frame event and a per-frame JSON saying it was analysed. */
  async expectAnalysed(sequences: readonly number[]): Promise<void> {
    for (const s of sequences) await this.waitForFrame(s);
    for (const s of sequences) {
      const json = JSON.parse(await readFile(this.jsonPath(s), 'utf8')) as Record<string, unknown>;
      expect(json, `frame ${s}`).toMatchObject({ analyzed: true, filename: `${stem(s)}.jpg`, blackscreen: false, freeze: false });
    }
  }

  /** stderr lines that name `name` (a file name or part of a path). */
  linesNaming(name: string): string[] {
    return this.monitor.stderr.filter((l) => l.includes(name));
  }

  /** The monitor process is still running (not exited, and its pid answers signal 0). */
  expectAlive(): void {
    expect(this.monitor.child.exitCode, `monitor exited; stderr:\n${this.monitor.stderr.join('\n')}`).toBeNull();
    expect(() => process.kill(this.monitor.pid, 0)).not.toThrow();
  }

  /** No stack trace was ever logged. */
  expectNoStackTrace(): void {
    expect(this.monitor.stderr.filter((l) => /^\s+at \S/.test(l))).toEqual([]);
  }

  /** SIGTERM: exit 0 within the design's 5 s, lock and temp folder gone. */
  async stop(): Promise<{ exitCode: number | undefined; ms: number }> {
    const started = Date.now();
    this.monitor.child.kill('SIGTERM');
    const result = await this.monitor.child;
    return { exitCode: result.exitCode, ms: Date.now() - started };
  }

  async kill(): Promise<void> {
    if (this.monitor && this.monitor.child.exitCode === null) {
      this.monitor.child.kill('SIGKILL');
      await this.monitor.child;
    }
  }

  async cleanup(): Promise<void> {
    await this.kill();
    await this.cleanupDir();
  }
}

/**
 * No half-written output under `dir` (recursively): no atomic-write temp
 * files, no lock files left, and every .json parses.
 */
export async function expectNoPartialFiles(dir: string): Promise<void> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    expect(entry.name, file).not.toMatch(/\.tmp(-|$)|\.lock$/);
    if (entry.name.endsWith('.json')) expect(() => JSON.parse(readFileSync(file, 'utf8')), file).not.toThrow();
  }
}
