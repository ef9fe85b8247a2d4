import { describe, expect, it } from 'vitest';
import { BACKLOG_THRESHOLD, DEFAULT_QUEUE_LIMIT, FrameQueue, type QueueRecord } from '../../src/core/live/frame-queue.js';

function makeQueue(limit?: number) {
  const records: QueueRecord[] = [];
  const queue = new FrameQueue<{ sequence: number }>({ device: 'capture1', limit, onRecord: (r) => records.push(r) });
  return { queue, records };
}

describe('FrameQueue', () => {
  it('without backlog, hands frames out in capture order', () => {
    const { queue } = makeQueue();
    for (const sequence of [1, 2, 3]) queue.push({ sequence });
    expect([queue.pop()?.sequence, queue.pop()?.sequence, queue.pop()?.sequence, queue.pop()]).toEqual([1, 2, 3, undefined]);
  });

  it('under backlog, hands out the newest frame first (LIFO) until caught up', () => {
    const { queue } = makeQueue();
    for (let sequence = 1; sequence <= BACKLOG_THRESHOLD + 5; sequence++) queue.push({ sequence });
    expect(queue.backlog).toBe(true);
    expect([queue.pop()?.sequence, queue.pop()?.sequence]).toEqual([BACKLOG_THRESHOLD + 5, BACKLOG_THRESHOLD + 4]);
    queue.push({ sequence: 100 });
    expect(queue.pop()?.sequence).toBe(100);
  });

  it('ignores a frame already waiting (identity is the sequence)', () => {
    const { queue } = makeQueue();
    expect(queue.push({ sequence: 7 })).toBe(true);
    expect(queue.push({ sequence: 7 })).toBe(false);
    expect(queue.size).toBe(1);
  });

  it('2,000 frames at once: never above the cap, the oldest dropped, counted exactly, one warning for the burst', () => {
    const { queue, records } = makeQueue();
    let peak = 0;
    for (let sequence = 0; sequence < 2_000; sequence++) {
      queue.push({ sequence });
      peak = Math.max(peak, queue.size);
    }
    expect(peak).toBe(DEFAULT_QUEUE_LIMIT);
    expect(queue.dropped).toBe(2_000 - DEFAULT_QUEUE_LIMIT);
    expect(records.filter((r) => r.kind === 'drop_burst')).toEqual([{ kind: 'drop_burst', device: 'capture1', limit: 150 }]);
    // The survivors are the newest 150.
    expect(queue.pop()!.sequence).toBe(1_999);

    // Draining to the backlog threshold ends the burst with one `dropped` record.
    while (queue.size > BACKLOG_THRESHOLD) queue.pop();
    expect(records.filter((r) => r.kind === 'dropped')).toEqual([
      { kind: 'dropped', device: 'capture1', count: 1_850, firstSequence: 0, lastSequence: 1_849, total: 1_850 },
    ]);
    const lastPopped: number[] = [];
    for (let f = queue.pop(); f; f = queue.pop()) lastPopped.push(f.sequence);
    // Still in backlog (until empty): newest first, down to the oldest survivor.
    expect(lastPopped.at(-1)).toBe(1_850);
  });

  it('a second burst gets its own warning and its own count', () => {
    const { queue, records } = makeQueue(10);
    for (let s = 0; s < 15; s++) queue.push({ sequence: s });
    while (queue.pop());
    for (let s = 100; s < 112; s++) queue.push({ sequence: s });
    queue.flushDrops();
    const dropped = records.filter((r) => r.kind === 'dropped');
    expect(records.filter((r) => r.kind === 'drop_burst')).toHaveLength(2);
    expect(dropped.map((r) => r.kind === 'dropped' && [r.count, r.firstSequence, r.lastSequence, r.total])).toEqual([
      [5, 0, 4, 5],
      [2, 100, 101, 7],
    ]);
    queue.flushDrops();
    expect(records.filter((r) => r.kind === 'dropped')).toHaveLength(2);
  });

  it('backlog starts above the threshold and lasts until the queue is empty (no flapping)', () => {
    const { queue, records } = makeQueue();
    for (let s = 0; s < BACKLOG_THRESHOLD; s++) queue.push({ sequence: s });
    expect(queue.backlog).toBe(false);
    queue.push({ sequence: BACKLOG_THRESHOLD });
    expect(queue.backlog).toBe(true);
    queue.pop();
    queue.push({ sequence: 1000 });
    queue.pop();
    expect(queue.backlog).toBe(true);
    while (queue.size > 1) queue.pop();
    expect(queue.backlog).toBe(true);
    queue.pop();
    expect(queue.backlog).toBe(false);
    expect(records.filter((r) => r.kind === 'queue_backlog')).toEqual([
      { kind: 'queue_backlog', device: 'capture1', active: true, size: 51 },
      { kind: 'queue_backlog', device: 'capture1', active: false, size: 0 },
    ]);
  });

  it('stays bounded over 10,000 frames fed while it is being drained slower than fed', () => {
    const { queue } = makeQueue();
    let peak = 0;
    let analysed = 0;
    for (let s = 0; s < 10_000; s++) {
      queue.push({ sequence: s });
      if (s % 5 === 0 && queue.pop()) analysed++;
      peak = Math.max(peak, queue.size);
    }
    expect(peak).toBeLessThanOrEqual(DEFAULT_QUEUE_LIMIT);
    expect(analysed + queue.dropped + queue.size).toBe(10_000);
  });
});
