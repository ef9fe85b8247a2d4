import { describe, expect, it } from 'vitest';
import { SelfCpu } from '../../src/core/memory/self-cpu.js';

describe('SelfCpu (pidusage on this process)', () => {
  it('says nothing before two samples, then the share of a core this process used between them', async () => {
    const cpu = new SelfCpu();
    expect(cpu.lastPercent).toBeUndefined();
    await cpu.sample();
    const busyUntil = Date.now() + 400;
    let spins = 0;
    while (Date.now() < busyUntil) spins++;
    await cpu.sample();
    expect(spins).toBeGreaterThan(0);
    // A busy loop for the whole interval: most of a core, whatever else the machine does.
    expect(cpu.lastPercent).toBeGreaterThan(25);
    expect(cpu.lastPercent).toBeLessThanOrEqual(200);
    await cpu.close();
  });
});
