import { copyFile, mkdir, readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ZAP_FIELDS_MAX_DEVICES, ZAP_FRAMES_WITH_DATA, ZAP_QUEUE_LIMIT, ZapConfirmer, type ZapEvent, type ZapJob } from '../../src/core/audio/zap-confirmer.js';
import type { ZapAudioResult } from '../../src/core/audio/zap-audio.js';
import { runProgram } from '../../src/core/process/process-runner.js';
import { generateSegments } from '../helpers/generate-segments.js';
import { makeTempDir } from '../helpers/run-vpt.js';

const T0 = Date.parse('2025-10-17T14:30:00Z');
let root: { dir: string; cleanup: () => Promise<void> };
let zapSegments: string;
let toneSegments: string;

beforeAll(async () => {
  root = await makeTempDir('vpt-zap-confirmer-');
  zapSegments = path.join(root.dir, 'zap', 'segments');
  toneSegments = path.join(root.dir, 'tone', 'segments');
  await Promise.all([
    generateSegments({
      dir: zapSegments,
      audio: [
        { kind: 'tone', seconds: 4 },
        { kind: 'silence', seconds: 1.5 },
        { kind: 'tone', seconds: 4.5 },
      ],
    }),
    generateSegments({ dir: toneSegments, audio: [{ kind: 'tone', seconds: 10 }] }),
  ]);
}, 120_000);

afterAll(async () => {
  await root?.cleanup();
});

async function folders(name: string) {
  const metadataDir = path.join(root.dir, name, 'metadata');
  const tempDir = path.join(root.dir, name, 'vpt-tmp');
  await mkdir(metadataDir, { recursive: true });
  await mkdir(tempDir, { recursive: true });
  return { metadataDir, tempDir };
}

/** A black event over frames 20..27 (4.0-5.4 s) that ended at frame 28. */
function job(over: Partial<ZapJob> & Pick<ZapJob, 'segmentsDir' | 'metadataDir'>): ZapJob {
  return {
    device: 'capture1',
    eventType: 'blackscreen',
    startFrame: 'capture_000000020.jpg',
    endFrame: 'capture_000000028.jpg',
    firstSequence: 20,
    lastSequence: 27,
    endMs: T0 + 5_600,
    durationMs: 1_600,
    bannerSeen: true,
    evidence: ['/s/capture1/captures/capture_000000019.jpg'],
    fps: 5,
    ...over,
  };
}

const marker = async (dir: string) => JSON.parse(await readFile(path.join(dir, 'last_zapping.json'), 'utf8')) as Record<string, unknown>;

describe('ZapConfirmer with real segments and ffmpeg', () => {
  it('confirms a zap (banner + audio drop): zap event, result marker, data on the next 5 frames, no temp file', async () => {
    const { metadataDir, tempDir } = await folders('confirm');
    const zaps: ZapEvent[] = [];
    const confirmer = new ZapConfirmer({ tempDir, onZap: (z) => zaps.push(z) });
    confirmer.submit(job({ segmentsDir: zapSegments, metadataDir }));
    await confirmer.idle();
    expect(zaps).toHaveLength(1);
    expect(zaps[0]).toMatchObject({
      event: 'zap',
      ts: new Date(T0 + 5_600).toISOString(),
      device: 'capture1',
      frame: 'capture_000000028.jpg',
      start_frame: 'capture_000000020.jpg',
      duration_ms: 1_600,
      zapping_detected: true,
      continuous_audio: false,
      audio_check: 'checked',
      evidence: ['/s/capture1/captures/capture_000000019.jpg'],
    });
    expect(zaps[0]!.silence_duration).toBeGreaterThan(1);
    expect(zaps[0]!.silence_duration).toBeLessThan(2);
    expect(await marker(metadataDir)).toMatchObject({ status: 'done', zapping_detected: true, frame: 'capture_000000028.jpg' });
    const handedOut = Array.from({ length: ZAP_FRAMES_WITH_DATA + 2 }, () => confirmer.takeFrameFields('capture1'));
    expect(handedOut.slice(0, ZAP_FRAMES_WITH_DATA).every((f) => f?.zapping_detected === true)).toBe(true);
    expect(handedOut.slice(ZAP_FRAMES_WITH_DATA)).toEqual([undefined, undefined]);
    expect(confirmer.fieldsHeld).toBe(0);
    expect(await readdir(tempDir)).toEqual([]);
  });

  it('says no zap for dark content with continuous sound, and none for plain black without a banner', async () => {
    const { metadataDir, tempDir } = await folders('dark');
    const zaps: ZapEvent[] = [];
    const confirmer = new ZapConfirmer({ tempDir, onZap: (z) => zaps.push(z) });
    confirmer.submit(job({ segmentsDir: toneSegments, metadataDir }));
    await confirmer.idle();
    confirmer.submit(job({ device: 'capture2', segmentsDir: zapSegments, metadataDir: (await folders('plain')).metadataDir, bannerSeen: false }));
    await confirmer.idle();
    expect(zaps.map((z) => [z.device, z.zapping_detected, z.continuous_audio])).toEqual([
      ['capture1', false, true],
      ['capture2', false, false],
    ]);
  });

  it('marks a check cut short by shutdown as aborted and leaves no temp file (ffmpeg killed mid-merge)', async () => {
    const { metadataDir, tempDir } = await folders('abort');
    // Ten real segments, then a FIFO where segment 10 should be: the merge blocks on it.
    const stalled = path.join(root.dir, 'stalled', 'segments');
    await mkdir(stalled, { recursive: true });
    for (const name of (await readdir(zapSegments)).slice(0, 10)) await copyFile(path.join(zapSegments, name), path.join(stalled, name));
    expect((await runProgram('mkfifo', [path.join(stalled, 'segment_000000010.ts')])).exitCode).toBe(0);
    const confirmer = new ZapConfirmer({ tempDir, onZap: () => undefined, segmentWaitMs: 100 });
    confirmer.submit(job({ segmentsDir: stalled, metadataDir, firstSequence: 0, lastSequence: 49 }));
    await vi.waitFor(async () => expect(await readdir(tempDir)).toContain('capture1_audio_check.ts'), { timeout: 15_000, interval: 50 });
    expect(await marker(metadataDir)).toMatchObject({ status: 'in_progress', frame: 'capture_000000028.jpg' });
    await confirmer.close();
    expect(await marker(metadataDir)).toMatchObject({ status: 'aborted' });
    expect(await readdir(tempDir)).toEqual([]);
  }, 30_000);
});

describe('ZapConfirmer bounds', () => {
  /** A check that holds until released: the pool's scheduling is what is under test here. */
  function gatedCheck() {
    const started: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const check = async (_s: string[], _t: string, device: string): Promise<ZapAudioResult> => {
      started.push(device);
      await gate;
      return { state: 'checked', continuousAudio: false, silenceDurationMs: 800, segments: [] };
    };
    return { started, release, check };
  }

  it(`keeps at most ${ZAP_QUEUE_LIMIT} checks waiting, dropping the oldest, and runs one check per device at a time`, async () => {
    const { metadataDir, tempDir } = await folders('bounds');
    const { started, release, check } = gatedCheck();
    const confirmer = new ZapConfirmer({ tempDir, onZap: () => undefined, check, segmentWaitMs: 0 });
    let largest = 0;
    // Two for capture0 first: the second must wait although a worker is free.
    confirmer.submit(job({ device: 'capture0', segmentsDir: zapSegments, metadataDir }));
    confirmer.submit(job({ device: 'capture0', segmentsDir: zapSegments, metadataDir }));
    await vi.waitFor(() => expect(started).toEqual(['capture0']));
    for (let n = 1; n <= 40; n++) {
      confirmer.submit(job({ device: `capture${n}`, segmentsDir: zapSegments, metadataDir }));
      largest = Math.max(largest, confirmer.queued);
    }
    await vi.waitFor(() => expect(started).toHaveLength(2));
    expect(largest).toBe(ZAP_QUEUE_LIMIT);
    expect(confirmer.dropped).toBe(2 + 40 - 2 - ZAP_QUEUE_LIMIT);
    release();
    await confirmer.idle();
    expect(confirmer.queued).toBe(0);
  });

  it(`holds zap data for at most ${ZAP_FIELDS_MAX_DEVICES} devices`, async () => {
    const { metadataDir, tempDir } = await folders('fields');
    const { release, check } = gatedCheck();
    release();
    const confirmer = new ZapConfirmer({ tempDir, onZap: () => undefined, check, segmentWaitMs: 0, queueLimit: 1_000, workers: 8 });
    for (let n = 0; n < ZAP_FIELDS_MAX_DEVICES + 40; n++) {
      confirmer.submit(job({ device: `capture${n}`, segmentsDir: zapSegments, metadataDir: path.join(metadataDir) }));
    }
    await confirmer.idle();
    expect(confirmer.checked).toBe(ZAP_FIELDS_MAX_DEVICES + 40);
    expect(confirmer.fieldsHeld).toBe(ZAP_FIELDS_MAX_DEVICES);
    expect(confirmer.takeFrameFields('capture0')).toBeUndefined(); // the oldest went first
    expect(confirmer.takeFrameFields(`capture${ZAP_FIELDS_MAX_DEVICES + 39}`)).toBeDefined();
  }, 60_000);
});
