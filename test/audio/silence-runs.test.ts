import { describe, expect, it } from 'vitest';
import { LEVEL_WINDOW_MS } from '../../src/core/audio/level-history.js';
import { LevelParser, LEVEL_FLOOR_DB } from '../../src/core/audio/level-parser.js';
import { SILENCE_DB, SilenceRuns, SOUND_RESUME_MS } from '../../src/core/audio/silence-runs.js';
import { zapAudioFromLevels, ZAP_SILENCE_MIN_MS } from '../../src/core/audio/zap-listen.js';

/** Feeds levels at 50 ms windows from t=0; returns the changes as [ms, silent]. */
function changes(levels: number[], threshold = SILENCE_DB): [number, boolean][] {
  const runs = new SilenceRuns(threshold);
  const out: [number, boolean][] = [];
  levels.forEach((db, i) => {
    const c = runs.window(i * LEVEL_WINDOW_MS, LEVEL_WINDOW_MS, db);
    if (c) out.push([c.timeMs, c.silent]);
  });
  return out;
}

describe('SilenceRuns', () => {
  it('dates silence to its first quiet window and sound to its first loud window', () => {
    expect(changes([-20, -20, -90, -90, -90, -20, -20, -20, -20])).toEqual([
      [0, false],
      [100, true],
      [250, false],
    ]);
  });

  it('is on both sides of the threshold: -50.1 dB is silence, -49.9 dB is sound (the default -50 dB)', () => {
    expect(changes([-49.9, -50.1])).toEqual([
      [0, false],
      [50, true],
    ]);
  });

  it('a click (loud for less than SOUND_RESUME_MS) does not end a silence; sound for SOUND_RESUME_MS does', () => {
    const click = Array(SOUND_RESUME_MS / LEVEL_WINDOW_MS - 1).fill(-10);
    expect(changes([-90, ...click, -90, -90])).toEqual([[0, true]]);
    const back = Array(SOUND_RESUME_MS / LEVEL_WINDOW_MS).fill(-10);
    expect(changes([-90, ...back])).toEqual([
      [0, true],
      [50, false],
    ]);
  });

  it('says while a silence may be ending, so nothing past that point is settled', () => {
    const runs = new SilenceRuns();
    runs.window(0, 50, -90);
    runs.window(50, 50, -10);
    expect(runs.pendingSince).toBe(50);
    runs.window(100, 50, -90);
    expect(runs.pendingSince).toBeUndefined();
  });

  it('a per-device threshold: -45 dBFS is sound at -50 and silence at -40', () => {
    expect(changes([-45], -50)).toEqual([[0, false]]);
    expect(changes([-45], -40)).toEqual([[0, true]]);
  });
});

describe('LevelParser (ffmpeg ametadata lines)', () => {
  it('one window per frame line, the loudest channel, -inf clamped, the last one on flush', () => {
    const parser = new LevelParser();
    const lines = [
      'frame:0    pts:0       pts_time:0',
      'lavfi.astats.1.RMS_level=-26.47',
      'lavfi.astats.2.RMS_level=-inf',
      'frame:1    pts:800     pts_time:0.05',
      'lavfi.astats.1.RMS_level=-inf',
      'lavfi.astats.2.RMS_level=-inf',
      'garbage that is not metadata',
    ];
    const windows = lines.map((l) => parser.line(l)).filter(Boolean);
    expect(windows).toEqual([{ ptsMs: 0, db: -26.47 }]);
    expect(parser.flush()).toEqual({ ptsMs: 50, db: LEVEL_FLOOR_DB });
    expect(parser.flush()).toBeUndefined();
  });
});

describe('zap audio from levels', () => {
  const w = (dbs: number[]) => dbs.map((db, i) => ({ startMs: i * LEVEL_WINDOW_MS, db }));
  it('a dropout of ZAP_SILENCE_MIN_MS is a zap; one window shorter is continuous sound', () => {
    const n = ZAP_SILENCE_MIN_MS / LEVEL_WINDOW_MS;
    expect(zapAudioFromLevels(w([-20, ...Array(n).fill(-90), -20]), SILENCE_DB)).toEqual({
      state: 'checked',
      continuousAudio: false,
      silenceDurationMs: ZAP_SILENCE_MIN_MS,
    });
    expect(zapAudioFromLevels(w([-20, ...Array(n - 1).fill(-90), -20]), SILENCE_DB).continuousAudio).toBe(true);
  });

  it('nothing heard is unknown, never "continuous"', () => {
    expect(zapAudioFromLevels([], SILENCE_DB)).toEqual({ state: 'no_segments', continuousAudio: null, silenceDurationMs: 0 });
  });
});
