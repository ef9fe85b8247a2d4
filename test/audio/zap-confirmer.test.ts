import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DeviceAudio } from '../../src/core/audio/device-audio.js';
import { ZAP_FIELDS_MAX_DEVICES, ZAP_FRAMES_WITH_DATA, ZAP_QUEUE_LIMIT, ZapConfirmer, type ZapEvent, type ZapJob } from '../../src/core/audio/zap-confirmer.js';
import { listenAroundGap, type ZapAudioResult } from '../../src/core/audio/zap-listen.js';
import { generateSegments } from '../helpers/generate-segments.js';
import { makeTempDir } from '../helpers/run-vpt.js';

const T0 = Date.parse('2025-10-17T14:30:00Z');
const FPS = 5;
let root: { dir: string; cleanup: () => Promise<void> };
const heard: DeviceAudio[] = [];

beforeAll(async () => {
  root = await makeTempDir('vpt-zap-confirmer-');
  await Promise.all([
    generateSegments({
      dir: path.join(root.dir, 'zap', 'segments'),
      audio: [
        { kind: 'tone', seconds: 4 },
        { kind: 'silence', seconds: 1.5 },
        { kind: 'tone', seconds: 4.5 },
      ],
    }),
    generateSegments({ dir: path.join(root.dir, 'tone', 'segments'), audio: [{ kind: 'tone', seconds: 10 }] }),
  ]);
}, 120_000);

afterAll(async () => {
  for (const audio of heard) await audio.close();
  await root?.cleanup();
});

async function metadataFolder(name: string): Promise<string> {
  const metadataDir = path.join(root.dir, name, 'metadata');
  await mkdir(metadataDir, { recursive: true });
  return metadataDir;
}

/** A device's audio as the replay hears it, frames 0..upTo on the 5 fps clock (real ffmpeg on the generated segments). */
async function hear(name: 'zap' | 'tone', upTo: number, mode: 'live' | 'replay' = 'replay'): Promise<DeviceAudio> {
  const audio = new DeviceAudio({ device: name, liveDir: path.join(root.dir, name), fps: FPS, vnc: false, checkAudio: true, mode, zaps: undefined });
  heard.push(audio);
  for (let seq = 0; seq <= upTo; seq++) {
    if (mode === 'replay') await audio.frameAndWait(seq, T0 + seq * 200, false);
    else audio.frame(seq, T0 + seq * 200, false);
  }
  return audio;
}

/** A black event over frames 20..27 (4.0-5.4 s) that ended at frame 28 (5.6 s). */
function job(over: Partial<ZapJob> & Pick<ZapJob, 'metadataDir' | 'listen'>): ZapJob {
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
    ...over,
  };
}

const around =
  (audio: DeviceAudio, waitMs = 5_000) =>
  (signal: AbortSignal) =>
    listenAroundGap(audio.heard!, T0 + 4_000, T0 + 5_600, waitMs, signal);
const marker = async (dir: string) => JSON.parse(await readFile(path.join(dir, 'last_zapping.json'), 'utf8')) as Record<string, unknown>;

describe('ZapConfirmer on the level stream (real segments and ffmpeg)', () => {
  it('confirms a zap (banner + audio drop): zap event, result marker, data on the next 5 frames', async () => {
    const metadataDir = await metadataFolder('confirm');
    const zaps: ZapEvent[] = [];
    const confirmer = new ZapConfirmer({ onZap: (z) => zaps.push(z) });
    confirmer.submit(job({ metadataDir, listen: around(await hear('zap', 45)) }));
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
    // The 1.5 s silence, heard to a window (50 ms).
    expect(zaps[0]!.silence_duration).toBeGreaterThanOrEqual(1.4);
    expect(zaps[0]!.silence_duration).toBeLessThanOrEqual(1.6);
    expect(await marker(metadataDir)).toMatchObject({ status: 'done', zapping_detected: true, frame: 'capture_000000028.jpg' });
    const handedOut = Array.from({ length: ZAP_FRAMES_WITH_DATA + 2 }, () => confirmer.takeFrameFields('capture1'));
    expect(handedOut.slice(0, ZAP_FRAMES_WITH_DATA).every((f) => f?.zapping_detected === true)).toBe(true);
    expect(handedOut.slice(ZAP_FRAMES_WITH_DATA)).toEqual([undefined, undefined]);
    expect(confirmer.fieldsHeld).toBe(0);
  }, 30_000);

  it('says no zap for dark content with continuous sound, and none for plain black without a banner', async () => {
    const zaps: ZapEvent[] = [];
    const confirmer = new ZapConfirmer({ onZap: (z) => zaps.push(z) });
    confirmer.submit(job({ metadataDir: await metadataFolder('dark'), listen: around(await hear('tone', 45)) }));
    await confirmer.idle();
    confirmer.submit(job({ device: 'capture2', metadataDir: await metadataFolder('plain'), bannerSeen: false, listen: around(await hear('zap', 45)) }));
    await confirmer.idle();
    expect(zaps.map((z) => [z.device, z.zapping_detected, z.continuous_audio])).toEqual([
      ['capture1', false, true],
      ['capture2', false, false],
    ]);
  }, 30_000);

  it('audio off: the banner alone decides, audio "not_checked"', async () => {
    const zaps: ZapEvent[] = [];
    const confirmer = new ZapConfirmer({ onZap: (z) => zaps.push(z) });
    confirmer.submit(job({ metadataDir: await metadataFolder('off'), listen: undefined }));
    await confirmer.idle();
    expect(zaps[0]).toMatchObject({ zapping_detected: true, continuous_audio: null, audio_check: 'not_checked' });
  });

  it('marks a check cut short by shutdown as aborted (waiting for audio that has not come yet)', async () => {
    const metadataDir = await metadataFolder('abort');
    const confirmer = new ZapConfirmer({ onZap: () => undefined });
    // Live, with frames only up to 2 s: the check waits for the audio after the gap (6.6 s), which nothing feeds.
    confirmer.submit(job({ metadataDir, listen: around(await hear('zap', 10, 'live'), 60_000) }));
    await vi.waitFor(async () => expect(await marker(metadataDir)).toMatchObject({ status: 'in_progress', frame: 'capture_000000028.jpg' }));
    await confirmer.close();
    expect(await marker(metadataDir)).toMatchObject({ status: 'aborted' });
  }, 30_000);

  it('a zap check that hears nothing leaves no waiter behind (a week of them with no sound must not pile up)', async () => {
    // Live, frames up to 2 s: nothing is fed past the gap, so the check polls until its deadline.
    const audio = await hear('zap', 10, 'live');
    const result = await listenAroundGap(audio.heard!, T0 + 20_000, T0 + 21_000, 600);
    expect(result.continuousAudio).toBeNull();
    expect(audio.heard!.waiting).toBe(0);
  }, 30_000);
});

describe('ZapConfirmer bounds', () => {
  /** A check that holds until released: the pool's scheduling is what is under test here. */
  function gatedCheck() {
    const started: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const check = (device: string) => async (): Promise<ZapAudioResult> => {
      started.push(device);
      await gate;
      return { state: 'checked', continuousAudio: false, silenceDurationMs: 800 };
    };
    return { started, release, check };
  }

  it(`keeps at most ${ZAP_QUEUE_LIMIT} checks waiting, dropping the oldest, and runs one check per device at a time`, async () => {
    const metadataDir = await metadataFolder('bounds');
    const { started, release, check } = gatedCheck();
    const confirmer = new ZapConfirmer({ onZap: () => undefined, workers: 2 });
    let largest = 0;
    // Two for capture0 first: the second must wait although a worker is free.
    confirmer.submit(job({ device: 'capture0', metadataDir, listen: check('capture0') }));
    confirmer.submit(job({ device: 'capture0', metadataDir, listen: check('capture0') }));
    await vi.waitFor(() => expect(started).toEqual(['capture0']));
    for (let n = 1; n <= 40; n++) {
      confirmer.submit(job({ device: `capture${n}`, metadataDir, listen: check(`capture${n}`) }));
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
    const metadataDir = await metadataFolder('fields');
    const { release, check } = gatedCheck();
    release();
    const confirmer = new ZapConfirmer({ onZap: () => undefined, queueLimit: 1_000, workers: 8 });
    for (let n = 0; n < ZAP_FIELDS_MAX_DEVICES + 40; n++) {
      confirmer.submit(job({ device: `capture${n}`, metadataDir, listen: check(`capture${n}`) }));
    }
    await confirmer.idle();
    expect(confirmer.checked).toBe(ZAP_FIELDS_MAX_DEVICES + 40);
    expect(confirmer.fieldsHeld).toBe(ZAP_FIELDS_MAX_DEVICES);
    expect(confirmer.takeFrameFields('capture0')).toBeUndefined(); // the oldest went first
    expect(confirmer.takeFrameFields(`capture${ZAP_FIELDS_MAX_DEVICES + 39}`)).toBeDefined();
  }, 60_000);
});
