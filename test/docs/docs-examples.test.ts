import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script (scripts/ is not TypeScript), typed by its use here.
import { checkExamples, exampleBlocks } from '../../scripts/docs-examples.mjs';

interface Difference {
  where: string;
  expected: string;
  actual: string;
}

/**
 * Issue 28: every `<!-- example: ID -->` block in docs/ is what the built
 * binary prints today (scripts/docs-examples.mjs runs it; figures that vary
 * from run to run, like frames/s, are masked). On a failure, run
 * `node scripts/docs-examples.mjs` and review the diff of docs/.
 */
describe('docs/ example outputs', () => {
  it('are marked and found', async () => {
    const blocks = (await exampleBlocks()) as { id: string }[];
    expect(blocks.map((b) => b.id)).toEqual(
      expect.arrayContaining(['replay-text', 'replay-json', 'incidents-show', 'monitor-log', 'monitor-json', 'webhook-body']),
    );
  });

  it('are what vpt prints now', async () => {
    const differing = (await checkExamples()) as Difference[];
    expect(differing.map((d) => `${d.where}\n--- docs\n${d.actual}\n+++ vpt\n${d.expected}`)).toEqual([]);
  }, 240_000);
});
