import { describe, expect, it } from 'vitest';
import type { ZapEvent } from '../../src/core/audio/zap-confirmer.js';
import { describeEvent } from '../../src/core/live/monitor-events.js';

const base: ZapEvent = {
  event: 'zap',
  ts: '2025-10-17T14:30:05.600Z',
  device: 'capture1',
  frame: 'capture_000000028.jpg',
  start_frame: 'capture_000000020.jpg',
  event_type: 'blackscreen',
  duration_ms: 1_600,
  zapping_detected: true,
  silence_duration: 1.46,
  continuous_audio: false,
  audio_check: 'checked',
  banner_seen: true,
  evidence: [],
};

describe('the zap log line', () => {
  it.each<[Partial<ZapEvent>, string]>([
    [{}, '[capture1] zap confirmed at capture_000000028.jpg after a 1.6s blackscreen: banner seen, sound dropped for 1.5s'],
    [
      { zapping_detected: false, continuous_audio: true, silence_duration: 0 },
      '[capture1] no zap at capture_000000028.jpg after a 1.6s blackscreen: banner seen, sound continuous',
    ],
    [
      { continuous_audio: null, audio_check: 'no_audio_stream' },
      '[capture1] zap confirmed at capture_000000028.jpg after a 1.6s blackscreen: banner seen, audio unknown (no_audio_stream)',
    ],
    [
      { event_type: 'freeze', zapping_detected: false, banner_seen: false, continuous_audio: true, silence_duration: 0 },
      '[capture1] no zap at capture_000000028.jpg after a 1.6s freeze: no banner, sound continuous',
    ],
  ])('%j', (change, line) => {
    expect(describeEvent({ ...base, ...change })).toBe(line);
  });
});
