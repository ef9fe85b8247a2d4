import { describe, expect, it } from 'vitest';
import { FREEZE_RING_SIZE, FreezeRing } from '../../src/core/detectors/index.js';
import { solid } from './generated-frames.js';

describe('FreezeRing', () => {
  it('returns the held frames newest first, as copies', () => {
    const ring = new FreezeRing(4, 2);
    expect(ring.size).toBe(0);
    expect(ring.previous()).toEqual([]);
    const frames = [1, 2, 3, 4].map((v) => solid(4, 2, v));
    ring.push(frames[0]!);
    ring.push(frames[1]!);
    expect(ring.previous().map((f) => f.data[0])).toEqual([2, 1]);
    ring.push(frames[2]!);
    ring.push(frames[3]!);
    expect(ring.previous().map((f) => f.data[0])).toEqual([4, 3, 2]);
    frames[3]!.data.fill(99); // the caller's buffer is not the ring's
    expect(ring.previous()[0]!.data[0]).toBe(4);
  });

  it('stays bounded: 10,000 pushes, never more than 3 frames, the same 3 buffers', () => {
    const ring = new FreezeRing();
    const frame = solid(320, 180, 0);
    const buffers = new Set<Uint8Array>();
    for (let i = 0; i < 10_000; i++) {
      frame.data[0] = i % 256;
      ring.push(frame);
      expect(ring.size).toBeLessThanOrEqual(FREEZE_RING_SIZE);
      for (const held of ring.previous()) buffers.add(held.data);
    }
    expect(ring.size).toBe(FREEZE_RING_SIZE);
    expect(ring.bufferCount).toBe(FREEZE_RING_SIZE);
    expect(buffers.size).toBe(FREEZE_RING_SIZE);
  });

  it('follows a size change without growing the buffer count', () => {
    const ring = new FreezeRing(4, 2);
    ring.push(solid(4, 2, 1));
    ring.push(solid(8, 4, 2));
    const [newest, older] = ring.previous();
    expect([newest!.width, newest!.height, newest!.data.length]).toEqual([8, 4, 32]);
    expect([older!.width, older!.height, older!.data.length]).toEqual([4, 2, 8]);
    expect(ring.bufferCount).toBe(FREEZE_RING_SIZE);
  });

  it('clear() forgets the frames and keeps the buffers', () => {
    const ring = new FreezeRing(4, 2);
    ring.push(solid(4, 2, 1));
    ring.push(solid(4, 2, 2));
    ring.clear();
    expect(ring.size).toBe(0);
    expect(ring.previous()).toEqual([]);
    ring.push(solid(4, 2, 3));
    expect(ring.previous().map((f) => f.data[0])).toEqual([3]);
    expect(ring.bufferCount).toBe(FREEZE_RING_SIZE);
  });
});
