import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runProgram } from '../../src/core/process/process-runner.js';
import { DemoDevice } from '../../src/core/demo/demo-device.js';
import { DEMO_INCIDENT_DELAY_MS, DEMO_SCRIPT, pictureAt, soundAt, type DemoScript, type Episode } from '../../src/core/demo/demo-script.js';
import type { IncidentType } from '../../src/core/events/types.js';
import { makeTempDir } from '../helpers/run-vpt.js';

interface ExpectedIncident {
  type: IncidentType;
  /** The episode in cycle seconds; an incident opens `incidentDelayMs` after the start and resolves at the end. */
  startSec: number;
  endSec: number;
}

/**
 * The incidents one cycle should produce: episodes longer than the delay.
 * Silence counts only over moving video (blackscreen and freeze suppress
 * audio loss); the zap is too short for an incident by design.
 */
function expectedIncidents(script: DemoScript = DEMO_SCRIPT, incidentDelayMs = DEMO_INCIDENT_DELAY_MS): ExpectedIncident[] {
  const long = (e: Episode<unknown>) => (e.endSec - e.startSec) * 1000 > incidentDelayMs;
  const picture = script.picture
    .filter((e) => (e.kind === 'freeze' || e.kind === 'blackscreen') && long(e))
    .map((e) => ({ type: e.kind as IncidentType, startSec: e.startSec, endSec: e.endSec }));
  const sound = script.sound
    .filter((e) => e.kind === 'silence' && long(e) && script.picture.every((p) => p.kind === 'moving' || p.endSec <= e.startSec || p.startSec >= e.endSec))
    .map((e) => ({ type: 'audio_loss' as IncidentType, startSec: e.startSec, endSec: e.endSec }));
  return [...picture, ...sound].sort((a, b) => a.startSec - b.startSec);
}

describe('the demo script', () => {
  it('covers every second of its cycle with one picture and one sound episode, and repeats', () => {
    for (const episodes of [DEMO_SCRIPT.picture, DEMO_SCRIPT.sound]) {
      expect(episodes[0]!.startSec).toBe(0);
      expect(episodes.at(-1)!.endSec).toBe(DEMO_SCRIPT.cycleSec);
      for (let i = 1; i < episodes.length; i++) expect(episodes[i]!.startSec).toBe(episodes[i - 1]!.endSec);
    }
    expect(pictureAt(DEMO_SCRIPT, 5).kind).toBe('freeze');
    expect(pictureAt(DEMO_SCRIPT, 65).kind).toBe('freeze');
    expect(pictureAt(DEMO_SCRIPT, 49.9).kind).toBe('zap');
    expect(soundAt(DEMO_SCRIPT, 49.9).kind).toBe('silence');
    expect(soundAt(DEMO_SCRIPT, 20).kind).toBe('silence');
    expect(pictureAt(DEMO_SCRIPT, 20).kind).toBe('moving');
  });

  it('promises a freeze, an audio loss and a blackscreen incident per cycle, all resolved within the first minute', () => {
    const incidents = expectedIncidents();
    expect(incidents.map((i) => i.type)).toEqual(['freeze', 'audio_loss', 'blackscreen']);
    for (const i of incidents) expect(i.endSec).toBeLessThanOrEqual(60);
  });
});

describe('DemoDevice', () => {
  let parent: string;
  let cleanup: () => Promise<void>;
  let demo: DemoDevice | undefined;

  beforeEach(async () => ({ dir: parent, cleanup } = await makeTempDir('vpt-demo-test-')));
  afterEach(async () => {
    await demo?.stop();
    demo = undefined;
    await cleanup();
  });

  it('writes frames at 5 fps in the hot layout, ffmpeg style, with 320x180 thumbnails and audio segments; stop() removes it all', async () => {
    demo = await DemoDevice.create({ parentDir: parent });
    expect(demo.audioUnavailable).toBeUndefined();
    expect(demo.liveDir).toBe(path.join(demo.streamRoot, 'capture1', 'hot'));
    for (const side of [demo.liveDir, demo.deviceDir]) {
      expect((await readdir(side)).sort()).toEqual(expect.arrayContaining(['captures', 'metadata', 'segments', 'thumbnails']));
    }
    demo.start();
    // ~2.5 s of frames and two complete seconds of segments.
    await vi.waitFor(() => expect(demo!.segmentsWritten).toBeGreaterThanOrEqual(2), { timeout: 30_000, interval: 100 });

    const captures = (await readdir(path.join(demo.liveDir, 'captures'))).filter((n) => !n.endsWith('.tmp')).sort();
    expect(captures.length).toBeGreaterThanOrEqual(10);
    const sequences = captures.map((n) => Number(/^capture_(\d{9})\.jpg$/.exec(n)![1]));
    expect(sequences).toEqual(sequences.map((_, i) => i)); // 0, 1, 2, ... no gap, no repeat
    // mtimes on the 5 fps capture clock: 200 ms apart.
    const mtimes = await Promise.all(captures.map(async (n) => (await stat(path.join(demo!.liveDir, 'captures', n))).mtimeMs));
    for (let i = 1; i < mtimes.length; i++) expect(mtimes[i]! - mtimes[i - 1]!).toBeCloseTo(200, 0);
    // Measured rate over the run so far: about 5 fps (generous bounds on a shared machine).
    const elapsedSec = (Date.now() - demo.startedAtMs!) / 1000;
    expect(demo.framesWritten / elapsedSec).toBeGreaterThan(2);
    expect(demo.framesWritten / elapsedSec).toBeLessThan(6);

    const thumbnail = path.join(demo.liveDir, 'thumbnails', 'capture_000000003_thumbnail.jpg');
    expect(await sharp(thumbnail).metadata()).toMatchObject({ width: 320, height: 180, format: 'jpeg' });
    expect(await sharp(path.join(demo.liveDir, 'captures', 'capture_000000003.jpg')).metadata()).toMatchObject({ width: 1280, height: 720 });

    const segments = (await readdir(path.join(demo.liveDir, 'segments'))).sort();
    expect(segments.slice(0, 2)).toEqual(['segment_000000000.ts', 'segment_000000001.ts']);
    const first = await runProgram(
      'ffmpeg',
      [
        '-hide_banner',
        '-nostats',
        '-i',
        path.join(demo.liveDir, 'segments', 'segment_000000000.ts'),
        '-map',
        '0:a:0',
        '-af',
        'volumedetect',
        '-f',
        'null',
        '-',
      ],
      { timeoutMs: 20_000 },
    );
    // The script opens with a tone: well above the -50 dB silence level.
    expect(Number(/mean_volume:\s*(-?[\d.]+) dB/.exec(first.stderr)?.[1])).toBeGreaterThan(-50);

    await demo.stop();
    expect(await readdir(parent)).toEqual([]);
    demo = undefined;
  }, 60_000);

  it('runs without segments when audio is off', async () => {
    demo = await DemoDevice.create({ parentDir: parent, audio: false });
    demo.start();
    await vi.waitFor(() => expect(demo!.framesWritten).toBeGreaterThanOrEqual(7), { timeout: 30_000, interval: 100 });
    expect(demo.segmentsWritten).toBe(0);
    expect(await readdir(path.join(demo.liveDir, 'segments'))).toEqual([]);
  }, 60_000);
});
