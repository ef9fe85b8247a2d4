import { describe, expect, it } from 'vitest';
import { BannerMemory, bannerSeenDuring, zapJobFor } from '../../src/core/audio/zap-jobs.js';

describe('bannerSeenDuring', () => {
  const black = { startSequence: 100, lastSequence: 110 };
  it.each([
    [undefined, false],
    [{ startSequence: 100, lastSequence: 110 }, true],
    [{ startSequence: 104, lastSequence: 106 }, true], // banner inside the black
    [{ startSequence: 110, lastSequence: 112 }, true], // touching the last black frame
    [{ startSequence: 90, lastSequence: 99 }, false], // an earlier zap
    [{ startSequence: 111, lastSequence: 115 }, false],
  ])('%j -> %s', (banner, seen) => {
    expect(bannerSeenDuring(black, banner)).toBe(seen);
  });
});

describe('zapJobFor', () => {
  it('names the frames as the farm does and carries the span', () => {
    const job = zapJobFor(
      { type: 'blackscreen', device: 'capture1', startSequence: 20, lastSequence: 27, endSequence: 28, endMs: 5_600, durationMs: 1_600 },
      { metadataDir: '/s/capture1/hot/metadata', bannerSeen: true, listen: undefined },
    );
    expect(job).toEqual({
      device: 'capture1',
      metadataDir: '/s/capture1/hot/metadata',
      eventType: 'blackscreen',
      startFrame: 'capture_000000020.jpg',
      endFrame: 'capture_000000028.jpg',
      firstSequence: 20,
      lastSequence: 27,
      endMs: 5_600,
      durationMs: 1_600,
      bannerSeen: true,
      evidence: [],
      listen: undefined,
    });
  });
});

describe('BannerMemory', () => {
  const candidate = {
    kind: 'zap_candidate',
    type: 'blackscreen' as const,
    device: 'capture1',
    startSequence: 50,
    lastSequence: 64,
    endSequence: 65,
    endMs: 13_000,
    durationMs: 3_000,
  };

  it('pairs a candidate with the banner run reported after it for the same frame (tracker order: blackscreen, then zap)', () => {
    const memory = new BannerMemory();
    const paired = memory.take([candidate, { kind: 'zap', startSequence: 50, lastSequence: 64 }]);
    expect(paired).toEqual([{ candidate, bannerSeen: true }]);
  });

  it('remembers a banner run that ended earlier in the same black, and ignores one from an earlier zap', () => {
    const memory = new BannerMemory();
    expect(
      memory.take([
        { kind: 'zap', startSequence: 52, lastSequence: 58 },
        { kind: 'event_started', startSequence: 52 },
      ]),
    ).toEqual([]);
    expect(memory.take([candidate])).toEqual([{ candidate, bannerSeen: true }]);
    const later = { ...candidate, startSequence: 115, lastSequence: 129, endSequence: 130 };
    expect(memory.take([later])).toEqual([{ candidate: later, bannerSeen: false }]);
  });
});
