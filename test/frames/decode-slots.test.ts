import { describe, expect, it } from 'vitest';
import { DecodeSlots } from '../../src/core/frames/decode-slots.js';
import { SHARP_DECODES_IN_FLIGHT } from '../../src/core/frames/image-loader.js';

describe('DecodeSlots (the bound on sharp decodes in flight)', () => {
  it.each([SHARP_DECODES_IN_FLIGHT, 3])('200 decodes asked at once with %i slots: never more than that at a time, all done in arrival order', async (limit) => {
    const slots = new DecodeSlots(limit);
    let running = 0;
    let peak = 0;
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        const release = await slots.acquire();
        running++;
        peak = Math.max(peak, running);
        order.push(i);
        await new Promise((r) => setTimeout(r, i % 3));
        running--;
        release();
        release(); // a second release must not free a second slot
      }),
    );
    expect(peak).toBe(limit);
    expect(order).toEqual(Array.from({ length: 200 }, (_, i) => i));
  });
});
