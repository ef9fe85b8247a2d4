import { describe, expect, it } from 'vitest';
import {
  CLEAR_TIME_MS,
  EventTracker,
  MIN_EVENT_MS,
  BACKDATE_FRAMES,
  SEQUENCE_TYPES,
  ZAP_CANDIDATE_MAX_MS,
  type SequenceType,
  type Detections,
  type TrackerRecord,
} from '../../src/core/events/event-tracker.js';

const FPS = 5;
const T0 = 1_700_000_000_000;
const at = (seq: number) => ({ sequence: seq, timeMs: T0 + (seq * 1000) / FPS });

/** Feed `pattern` (one char per frame: 1 detected, 0 clear, ? unknown) for one type. */
function feed(tracker: EventTracker, type: SequenceType, pattern: string, first = 0): TrackerRecord[] {
  const out: TrackerRecord[] = [];
  [...pattern].forEach((c, i) => {
    out.push(...tracker.update(at(first + i), { [type]: c === '?' ? undefined : c === '1' }));
  });
  return out;
}

/** --clear-time 0: a sequence ends on its first clear frame (the rules below, without the hysteresis). */
const immediate = () => new EventTracker('capture1', MIN_EVENT_MS, 0);

describe('EventTracker', () => {
  it('ignores a sequence shorter than --min-event (but reports it as a zap candidate)', () => {
    const records = feed(immediate(), 'blackscreen', `0${'1'.repeat(20)}0`);
    expect(records.map((r) => r.kind)).toEqual(['zap_candidate']);
    expect(records[0]).toMatchObject({ type: 'blackscreen', startSequence: 1, lastSequence: 20, endSequence: 21, durationMs: 4000 });
  });

  it('confirms an event once it has lasted --min-event, and ends it on the first clear frame with its duration', () => {
    const records = feed(immediate(), 'freeze', `00${'1'.repeat(35)}00`);
    expect(records.map((r) => r.kind)).toEqual(['event_started', 'event_ended', 'zap_candidate']);
    expect(records[0]).toMatchObject({ type: 'freeze', startSequence: 2, confirmedSequence: 27, startMs: at(2).timeMs });
    expect(records[1]).toMatchObject({ type: 'freeze', startSequence: 2, lastSequence: 36, endSequence: 37, durationMs: 7000 });
  });

  it('counts exactly --min-event as an event, also when only the clear frame makes it that long', () => {
    // 25 detecting frames at 5 fps: the 25th is at +4.8 s, the clear frame at +5.0 s.
    const records = feed(immediate(), 'blackscreen', `${'1'.repeat(25)}0`);
    expect(records.map((r) => r.kind)).toEqual(['event_started', 'event_ended', 'zap_candidate']);
    expect(records[1]).toMatchObject({ durationMs: MIN_EVENT_MS });
    // One frame less: 4.8 s, ignored.
    expect(feed(immediate(), 'blackscreen', `${'1'.repeat(24)}0`).map((r) => r.kind)).toEqual(['zap_candidate']);
  });

  it('reports no zap candidate for a blackscreen or freeze of 10 s or more, and none for macroblocks', () => {
    const long = feed(immediate(), 'blackscreen', `${'1'.repeat(ZAP_CANDIDATE_MAX_MS / 200)}0`);
    expect(long.map((r) => r.kind)).toEqual(['event_started', 'event_ended']);
    const blocks = feed(immediate(), 'macroblocks', '1110');
    expect(blocks).toEqual([]);
  });

  it('gives one zap record per zap run, whatever its length', () => {
    const records = feed(immediate(), 'zap', '0111100');
    expect(records).toEqual([
      { kind: 'zap', device: 'capture1', startSequence: 1, startMs: at(1).timeMs, lastSequence: 4, endSequence: 5, endMs: at(5).timeMs, durationMs: 800 },
    ]);
  });

  it('honours another --min-event, and 0 confirms on the first frame', () => {
    expect(feed(new EventTracker('c', 0, 0), 'freeze', '10').map((r) => r.kind)).toEqual(['event_started', 'event_ended', 'zap_candidate']);
    expect(feed(new EventTracker('c', 60_000, 0), 'freeze', `${'1'.repeat(40)}0`).map((r) => r.kind)).toEqual(['zap_candidate']);
  });

  it('leaves the state alone on frames whose verdict is unknown', () => {
    const tracker = immediate();
    const records = feed(tracker, 'blackscreen', '11??11');
    expect(records).toEqual([]);
    expect(tracker.ongoing('blackscreen', at(5))).toMatchObject({ startSequence: 0, durationMs: 1000, confirmed: false });
  });

  it('measures on frame time only: a frame arriving late in wall time changes nothing', () => {
    const tracker = immediate();
    tracker.update({ sequence: 0, timeMs: T0 }, { freeze: true });
    const out = tracker.update({ sequence: 1, timeMs: T0 + 6000 }, { freeze: true });
    expect(out.map((r) => r.kind)).toEqual(['event_started']);
    expect(tracker.ongoing('freeze', { sequence: 1, timeMs: T0 + 6000 })).toMatchObject({ durationMs: 6000, confirmed: true });
  });

  it('holds at most one open sequence per type, whatever it is fed', () => {
    const tracker = immediate();
    for (let i = 0; i < 50_000; i++) {
      const all = Object.fromEntries(SEQUENCE_TYPES.map((t) => [t, i % 7 !== 0])) as Detections;
      tracker.update(at(i), all);
      expect(tracker.size).toBeLessThanOrEqual(SEQUENCE_TYPES.length);
    }
    expect(tracker.openSequences(at(50_000)).length).toBe(SEQUENCE_TYPES.length);
  });
});

describe('EventTracker --clear-time', () => {
  it('a black stretch with one clear frame every 2 s is one event with --clear-time 1s (the default)', () => {
    expect(CLEAR_TIME_MS).toBe(1000);
    // 20 s at 5 fps: black, except one clear frame every 10 frames (2 s); then 2 s clear.
    const pattern = `${Array.from({ length: 10 }, () => '1'.repeat(9) + '0').join('')}${'0'.repeat(10)}`;
    const records = feed(new EventTracker('capture1'), 'blackscreen', pattern);
    expect(records.map((r) => r.kind)).toEqual(['event_started', 'event_ended']);
    // The end is the first clear frame of the final clear run (frame 99), not the frame that completed the clear time.
    expect(records[1]).toMatchObject({ startSequence: 0, lastSequence: 98, endSequence: 99, endMs: at(99).timeMs, durationMs: 99 * 200 });
    // Without the clear time the same frames give one event per 2 s stretch that lasted 5 s: none, only blips.
    const split = feed(immediate(), 'blackscreen', pattern);
    expect(split.filter((r) => r.kind === 'event_started')).toHaveLength(0);
    expect(split.filter((r) => r.kind === 'zap_candidate')).toHaveLength(10);
  });

  it('ends the event once the picture has been clear for exactly the clear time, dated at the first clear frame', () => {
    const tracker = new EventTracker('capture1', MIN_EVENT_MS, 1000);
    const ones = '1'.repeat(30);
    // Clear frames 30-34: the last is 0.8 s after the first, still open.
    expect(feed(tracker, 'freeze', `${ones}00000`).map((r) => r.kind)).toEqual(['event_started']);
    expect(tracker.ongoing('freeze', at(34))).toMatchObject({ startSequence: 0 });
    // Frame 35 is 1.0 s after the first clear frame: ended, end = frame 30.
    const out = tracker.update(at(35), { freeze: false });
    expect(out.map((r) => r.kind)).toEqual(['event_ended', 'zap_candidate']);
    expect(out[0]).toMatchObject({ lastSequence: 29, endSequence: 30, durationMs: 6000 });
    expect(tracker.size).toBe(0);
  });

  it('a short sequence ended by the clear time is still a zap candidate with its true duration', () => {
    const records = feed(new EventTracker('capture1'), 'blackscreen', `${'1'.repeat(10)}${'0'.repeat(6)}`);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ kind: 'zap_candidate', endSequence: 10, durationMs: 2000 });
  });

  it('a zap run still ends on its first clear frame: two channel changes a frame apart are two zaps', () => {
    const records = feed(new EventTracker('capture1'), 'zap', '0110110');
    expect(records.map((r) => [r.kind, r.startSequence, 'endSequence' in r ? r.endSequence : undefined])).toEqual([
      ['zap', 1, 3],
      ['zap', 4, 6],
    ]);
  });

  it('audio_loss ends where the sound comes back, whatever --clear-time: 0.8 s of sound splits two silences', () => {
    const tracker = new EventTracker('capture1', MIN_EVENT_MS, 2_000);
    tracker.setMinEvent('audio_loss', 2_000);
    // 3 s of silence, 0.8 s of sound, 3 s of silence, then sound (frames of 200 ms).
    const records = feed(tracker, 'audio_loss', `${'1'.repeat(15)}${'0'.repeat(4)}${'1'.repeat(15)}${'0'.repeat(3)}`);
    expect(records.filter((r) => r.kind === 'event_ended').map((r) => [r.startSequence, 'endSequence' in r ? r.endSequence : undefined])).toEqual([
      [0, 15],
      [19, 34],
    ]);
    // The picture's events keep the clear time: the same pattern is one freeze.
    const picture = feed(new EventTracker('capture1', MIN_EVENT_MS, 2_000), 'freeze', `${'1'.repeat(15)}${'0'.repeat(4)}${'1'.repeat(15)}${'0'.repeat(11)}`);
    expect(picture.filter((r) => r.kind === 'event_ended').map((r) => [r.startSequence, 'endSequence' in r ? r.endSequence : undefined])).toEqual([[0, 34]]);
  });

  it('retime() changes the clear time of an open sequence', () => {
    const tracker = new EventTracker('capture1');
    feed(tracker, 'freeze', '1'.repeat(30));
    tracker.retime(MIN_EVENT_MS, 0);
    expect(tracker.update(at(30), { freeze: false }).map((r) => r.kind)).toEqual(['event_ended', 'zap_candidate']);
  });
});

describe('EventTracker: a freeze dated back to its first frozen frame', () => {
  it('starts a new freeze on the first frame its comparisons covered, as ffmpeg freezedetect does', () => {
    const tracker = immediate();
    for (let seq = 0; seq < 4; seq++) tracker.update(at(seq), { freeze: false });
    // Frame 4 is the first frozen verdict, found the same as frames 3, 2 and 1: the still began on frame 1.
    tracker.update(at(4), { freeze: true, freezeFramesBack: 3 });
    expect(tracker.ongoing('freeze', at(4))).toMatchObject({ startSequence: 1, startMs: at(1).timeMs, durationMs: 600 });
    const out = feed(tracker, 'freeze', `${'1'.repeat(30)}0`, 5);
    expect(out.find((r) => r.kind === 'event_started')).toMatchObject({ startSequence: 1, startMs: at(1).timeMs, confirmedSequence: 26 });
    expect(out.find((r) => r.kind === 'event_ended')).toMatchObject({ startSequence: 1, endSequence: 35, durationMs: 6800 });
  });

  it('goes back no further than the frames it has seen, nor than BACKDATE_FRAMES; an open freeze keeps its start', () => {
    const first = immediate();
    first.update(at(0), { freeze: true, freezeFramesBack: 3 });
    expect(first.ongoing('freeze', at(0))).toMatchObject({ startSequence: 0 });
    const far = immediate();
    for (let seq = 0; seq < 10; seq++) far.update(at(seq), { freeze: false });
    far.update(at(10), { freeze: true, freezeFramesBack: 50 });
    expect(far.ongoing('freeze', at(10))).toMatchObject({ startSequence: 10 - BACKDATE_FRAMES });
    far.update(at(11), { freeze: true, freezeFramesBack: 1 });
    expect(far.ongoing('freeze', at(11))).toMatchObject({ startSequence: 10 - BACKDATE_FRAMES });
  });

  it('dates back freezes only: a blackscreen starts on its own frame', () => {
    const tracker = immediate();
    for (let seq = 0; seq < 4; seq++) tracker.update(at(seq), { blackscreen: false });
    tracker.update(at(4), { blackscreen: true, freezeFramesBack: 3 });
    expect(tracker.ongoing('blackscreen', at(4))).toMatchObject({ startSequence: 4 });
  });
});
