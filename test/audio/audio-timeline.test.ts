import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPLAY_AUDIO_WAIT_MS } from '../../src/core/audio/audio-timeline.js';
import { REPLAY_EARLY_SEGMENTS } from '../../src/core/audio/segment-feeder.js';
import { DeviceAudio } from '../../src/core/audio/device-audio.js';
import { LEVEL_WINDOW_MS } from '../../src/core/audio/level-history.js';
import { segmentFileName } from '../../src/core/audio/segment-files.js';
import { MIN_SILENCE_MS } from '../../src/core/audio/silence-runs.js';
import { EventTracker, type TrackerRecord } from '../../src/core/events/event-tracker.js';
import type { FrameAudio } from '../../src/core/pipeline/frame-json.js';
import { generateSegments, spansSeconds, type AudioSpan } from '../helpers/generate-segments.js';
import { makeTempDir } from '../helpers/run-vpt.js';

const FPS = 5;
const FRAME_MS = 1000 / FPS;
const T0 = Date.parse('2026-12-01T10:00:00Z');
/** The bound: audio_loss starts and ends within 0.2 s of the sound's own boundaries. */
const BOUNDARY_TOLERANCE_MS = 200;

/**
 * Silences of 10 s, 3 s and 2.5 s at different phases against the 1 s
 * segment grid (starting at .0, .4 and .7 s), a -45 dBFS quiet passage
 * (sound, not silence), a 1.6 s silence (under --min-silence: no event) and
 * a 10 ms click inside a silence (which it does not end).
 */
const SPANS: AudioSpan[] = [
  { kind: 'tone', seconds: 3 }, // 0-3
  { kind: 'silence', seconds: 10 }, // 3-13: on the grid
  { kind: 'tone', seconds: 3.4 }, // 13-16.4
  { kind: 'silence', seconds: 3 }, // 16.4-19.4
  { kind: 'tone', seconds: 2.3 }, // 19.4-21.7
  { kind: 'silence', seconds: 2.5 }, // 21.7-24.2
  { kind: 'tone', seconds: 2 }, // 24.2-26.2
  { kind: 'quiet', seconds: 4 }, // 26.2-30.2: -45 dBFS is sound
  { kind: 'tone', seconds: 2 }, // 30.2-32.2
  { kind: 'silence', seconds: 1.6 }, // 32.2-33.8: shorter than --min-silence
  { kind: 'tone', seconds: 2.2 }, // 33.8-36
  { kind: 'silence', seconds: 2 }, // 36-38
  { kind: 'click', seconds: 2 }, // 38-40: a click at 38.0, silence around it
  { kind: 'tone', seconds: 3 }, // 40-43
];
const EXPECTED: [number, number][] = [
  [3, 13],
  [16.4, 19.4],
  [21.7, 24.2],
  [36, 40],
];

let root: { dir: string; cleanup: () => Promise<void> };
let liveDir: string;

beforeAll(async () => {
  root = await makeTempDir('vpt-audio-timeline-');
  liveDir = path.join(root.dir, 'capture1');
  await generateSegments({ dir: path.join(liveDir, 'segments'), audio: SPANS });
}, 120_000);

afterAll(async () => {
  await root?.cleanup();
});

/** Windows of the early segments but the last, which ffmpeg holds until more input comes (its last packets). */
const EARLY_WINDOWS = ((REPLAY_EARLY_SEGMENTS - 1) * 1000) / LEVEL_WINDOW_MS;

interface Drive {
  mode: 'live' | 'replay';
  /** The device folder (its segments/ under it); default: the main capture's. */
  dir?: string;
  frames?: number;
  fps?: number;
  vnc?: boolean;
  /** Replay: ffmpeg hears its first segments before the first frame comes (as while a replay lists its frames). */
  firstFrameLate?: boolean;
}

/** Drives DeviceAudio as the pipeline does: frames in order, the loss updates into a real EventTracker. */
async function drive(options: Drive): Promise<{ records: TrackerRecord[]; audio: DeviceAudio; fields: FrameAudio[] }> {
  const fps = options.fps ?? FPS;
  const { mode } = options;
  const audio = new DeviceAudio({
    device: 'capture1',
    liveDir: options.dir ?? liveDir,
    fps,
    vnc: options.vnc === true,
    checkAudio: true,
    mode,
    zaps: undefined,
  });
  if (options.firstFrameLate) {
    const deadline = Date.now() + 20_000;
    while (audio.heard!.windowsBeforeFirstFrame < EARLY_WINDOWS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  }
  const tracker = new EventTracker('capture1');
  tracker.setMinEvent('audio_loss', MIN_SILENCE_MS);
  const records: TrackerRecord[] = [];
  const fields: FrameAudio[] = [];
  // Live: frames run on past the sound so the last segments are fed.
  const frames = options.frames ?? spansSeconds(SPANS) * fps + 3 * fps;
  for (let seq = 0; seq < frames; seq++) {
    const timeMs = T0 + (seq * 1000) / fps;
    const heard = mode === 'replay' ? await audio.frameAndWait(seq, timeMs, false) : audio.frame(seq, timeMs, false);
    for (const u of heard.lossUpdates) records.push(...tracker.update(u.stamp, { audio_loss: u.loss }));
    fields.push(heard.audio);
    if (mode === 'live') await new Promise((r) => setTimeout(r, 15)); // ffmpeg hears in the background, as it does live
  }
  await audio.close();
  return { records, audio, fields };
}

const run = (mode: 'live' | 'replay', firstFrameLate = false) => drive({ mode, firstFrameLate });

/** Exactly these audio_loss events (seconds from the first frame), each boundary within BOUNDARY_TOLERANCE_MS. */
function expectSilences(records: TrackerRecord[], expected: readonly (readonly [number, number])[]): void {
  const found = events(records);
  expect(found, JSON.stringify(found)).toHaveLength(expected.length);
  for (const [i, [start, end]] of expected.entries()) {
    expect(Math.abs(found[i]![0] - start) * 1000, `silence ${i} start`).toBeLessThanOrEqual(BOUNDARY_TOLERANCE_MS);
    expect(Math.abs(found[i]![1] - end) * 1000, `silence ${i} end`).toBeLessThanOrEqual(BOUNDARY_TOLERANCE_MS);
  }
}

function events(records: TrackerRecord[]): [number, number][] {
  return records
    .filter((r) => r.kind === 'event_ended' && r.type === 'audio_loss')
    .map((r) => [((r as { startMs: number }).startMs - T0) / 1000, ((r as { endMs: number }).endMs - T0) / 1000]);
}

describe('audio heard continuously (real ffmpeg, generated segments)', () => {
  it('replay: every silence of at least --min-silence is one audio_loss event within 0.2 s of its boundaries, whatever its phase', async () => {
    const { records, audio } = await run('replay');
    expectSilences(records, EXPECTED);
    const timeline = audio.heard!;
    expect(timeline.segmentsFed).toBe(Math.round(spansSeconds(SPANS)));
    expect(timeline.restarts).toBe(0);
  }, 60_000);

  it('replay: the sound heard before the first frame comes (ffmpeg started early) lands where it would have', async () => {
    const atOnce = await run('replay');
    const late = await run('replay', true);
    // The early segments were heard before the first frame...
    expect(late.audio.heard!.windowsBeforeFirstFrame).toBeGreaterThanOrEqual(EARLY_WINDOWS);
    // ...and placed on the same clock: the same events and the same audio fields on every frame.
    expect(late.records).toEqual(atOnce.records);
    expect(late.fields).toEqual(atOnce.fields);
    expect(late.fields[2 * FPS]).toMatchObject({ audio: true });
  }, 60_000);

  it('live: the same events, heard a segment or two behind the frames, with no frame waiting', async () => {
    const { records, audio } = await run('live');
    expectSilences(records, EXPECTED);
    // Every segment the frames passed was heard once, in order, by one ffmpeg.
    expect(audio.heard!.segmentsFed).toBeGreaterThanOrEqual(Math.round(spansSeconds(SPANS)));
    expect(audio.heard!.restarts).toBe(0);
  }, 60_000);

  it('a black or frozen picture suppresses audio loss over exactly its own frames', async () => {
    const audio = new DeviceAudio({ device: 'capture1', liveDir, fps: FPS, vnc: false, checkAudio: true, mode: 'replay', zaps: undefined });
    const tracker = new EventTracker('capture1');
    tracker.setMinEvent('audio_loss', MIN_SILENCE_MS);
    const records: TrackerRecord[] = [];
    // The picture is black from 2 s to 8 s: the 3-13 s silence is a loss only from 8 s.
    for (let seq = 0; seq < 15 * FPS; seq++) {
      const t = T0 + seq * FRAME_MS;
      const heard = await audio.frameAndWait(seq, t, seq >= 2 * FPS && seq < 8 * FPS);
      for (const u of heard.lossUpdates) records.push(...tracker.update(u.stamp, { audio_loss: u.loss }));
    }
    await audio.close();
    const [only] = events(records);
    expect(events(records)).toHaveLength(1);
    expect(Math.abs(only![0] - 8) * 1000).toBeLessThanOrEqual(BOUNDARY_TOLERANCE_MS);
    expect(Math.abs(only![1] - 13) * 1000).toBeLessThanOrEqual(BOUNDARY_TOLERANCE_MS);
  }, 60_000);
});

describe('audio heard continuously: a VNC device (4 s segments, 2 fps)', () => {
  const VNC_FPS = 2;
  const VNC_SPANS: AudioSpan[] = [
    { kind: 'tone', seconds: 5.3 },
    { kind: 'silence', seconds: 6.2 }, // 5.3-11.5: across two 4 s segments
    { kind: 'tone', seconds: 2.9 },
    { kind: 'silence', seconds: 2.6 }, // 14.4-17
    { kind: 'tone', seconds: 7 },
  ];
  let vncRoot: { dir: string; cleanup: () => Promise<void> };
  beforeAll(async () => {
    vncRoot = await makeTempDir('vpt-audio-vnc-');
    await generateSegments({ dir: path.join(vncRoot.dir, 'vnc1', 'segments'), audio: VNC_SPANS, segmentSeconds: 4, fps: VNC_FPS });
  }, 120_000);
  afterAll(() => vncRoot?.cleanup());

  it('replay: each silence is one audio_loss event within 0.2 s of its boundaries', async () => {
    const { records, audio } = await drive({
      mode: 'replay',
      dir: path.join(vncRoot.dir, 'vnc1'),
      fps: VNC_FPS,
      vnc: true,
      frames: spansSeconds(VNC_SPANS) * VNC_FPS,
    });
    expectSilences(records, [
      [5.3, 11.5],
      [14.4, 17],
    ]);
    expect(audio.heard!.segmentsFed).toBe(Math.ceil(spansSeconds(VNC_SPANS) / 4));
  }, 60_000);
});

describe('audio heard continuously: other codecs and layouts than stereo AAC', () => {
  const SOUND: AudioSpan[] = [
    { kind: 'tone', seconds: 2.4 },
    { kind: 'silence', seconds: 3.3 }, // 2.4-5.7
    { kind: 'tone', seconds: 2.3 },
  ];
  const CODECS: [string, string[]][] = [
    ['MP2, mono, 44.1 kHz', ['-c:a', 'mp2', '-ac', '1', '-ar', '44100']],
    ['AC-3, 5.1', ['-c:a', 'ac3', '-ac', '6']],
    ['AAC, mono, 32 kHz', ['-c:a', 'aac', '-ac', '1', '-ar', '32000']],
  ];
  let codecRoot: { dir: string; cleanup: () => Promise<void> };
  beforeAll(async () => {
    codecRoot = await makeTempDir('vpt-audio-codecs-');
  });
  afterAll(() => codecRoot?.cleanup());

  it.each(CODECS)(
    '%s: the silence is one audio_loss event within 0.2 s of its boundaries',
    async (name, audioCodec) => {
      const dir = path.join(codecRoot.dir, name.replace(/\W+/g, '-'));
      await generateSegments({ dir: path.join(dir, 'segments'), audio: SOUND, audioCodec });
      const { records } = await drive({ mode: 'replay', dir, frames: spansSeconds(SOUND) * FPS });
      expectSilences(records, [[2.4, 5.7]]);
    },
    60_000,
  );
});

describe('audio heard continuously: the capture restarted, its segments numbered on but their clock from zero again', () => {
  let restartRoot: { dir: string; cleanup: () => Promise<void> };
  beforeAll(async () => {
    restartRoot = await makeTempDir('vpt-audio-restart-');
  });
  afterAll(() => restartRoot?.cleanup());

  it('replay: the silence after the restart is where the segment grid puts it, within 0.2 s', async () => {
    const segments = path.join(restartRoot.dir, 'capture1', 'segments');
    // Run 1: segments 0-3 (tone). Run 2, as a restarted ffmpeg writes them: segments 4-9 with
    // timestamps from the start again, a tone then a silence from its 2.3 s (4 + 2.3 = 6.3 s) to 4.6 s.
    await generateSegments({ dir: path.join(restartRoot.dir, 'run1'), audio: [{ kind: 'tone', seconds: 4 }] });
    await generateSegments({
      dir: path.join(restartRoot.dir, 'run2'),
      audio: [
        { kind: 'tone', seconds: 2.3 },
        { kind: 'silence', seconds: 2.3 },
        { kind: 'tone', seconds: 1.4 },
      ],
    });
    await mkdir(segments, { recursive: true });
    for (let i = 0; i < 4; i++) await rename(path.join(restartRoot.dir, 'run1', segmentFileName(i)), path.join(segments, segmentFileName(i)));
    for (let i = 0; i < 6; i++) await rename(path.join(restartRoot.dir, 'run2', segmentFileName(i)), path.join(segments, segmentFileName(4 + i)));
    const { records } = await drive({ mode: 'replay', dir: path.dirname(segments), frames: 10 * FPS });
    expectSilences(records, [[6.3, 8.6]]);
  }, 60_000);
});

describe('audio heard continuously: a replay over a long hole in the segments', () => {
  let holeRoot: { dir: string; cleanup: () => Promise<void> };
  beforeAll(async () => {
    holeRoot = await makeTempDir('vpt-audio-hole-');
  });
  afterAll(() => holeRoot?.cleanup());

  const segmentsWithHole = async (): Promise<string> => {
    const segments = path.join(holeRoot.dir, 'capture1', 'segments');
    if (existsSync(segments)) return segments;
    // 50 s of sound, a silence from 42.5 s to 46 s; segments 6-39 gone (34 s, more than the replay's lookahead).
    await generateSegments({
      dir: segments,
      audio: [
        { kind: 'tone', seconds: 42.5 },
        { kind: 'silence', seconds: 3.5 },
        { kind: 'tone', seconds: 4 },
      ],
    });
    for (let i = 6; i < 40; i++) await rm(path.join(segments, segmentFileName(i)));
    return segments;
  };

  it('frames over the hole go on at once, the sound after it is heard on its clock, and the replay gives nothing up', async () => {
    const segments = await segmentsWithHole();
    const started = Date.now();
    const { records, fields, audio } = await drive({ mode: 'replay', dir: path.dirname(segments), frames: 50 * FPS });
    expect(Date.now() - started, 'a frame waited for sound that could not come').toBeLessThan(REPLAY_AUDIO_WAIT_MS);
    expectSilences(records, [[42.5, 46]]);
    expect(fields[48 * FPS]).toMatchObject({ audio: true, segmentFile: segmentFileName(47) });
    expect(audio.heard!.segmentsMissed).toBe(34);
    expect(audio.heard!.restarts).toBe(0);
  }, 60_000);

  it('live: the sound after the hole is heard on its clock (ffmpeg would have joined it to the sound before)', async () => {
    const segments = await segmentsWithHole();
    const { records, audio } = await drive({ mode: 'live', dir: path.dirname(segments), frames: 50 * FPS });
    expectSilences(records, [[42.5, 46]]);
    expect(audio.heard!.restarts).toBe(0);
  }, 60_000);
});
