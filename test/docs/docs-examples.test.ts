import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script (scripts/ is not TypeScript), typed by its use here.
import { checkExamples, exampleBlocks, recipeIds } from '../../scripts/docs-examples.mjs';

interface Difference {
  where: string;
  expected: string;
  actual: string;
}

/**
 * Issue 28: every `<!-- example: ID -->` block in docs/ and README.md is what
 * the built binary prints today (scripts/docs-examples.mjs runs it on fixtures
 * in a temp folder; figures that vary from run to run, like frames/s, are
 * masked). On a failure, run `node scripts/docs-examples.mjs` and review the
 * diff of docs/.
 */
describe('docs/ example outputs', () => {
  it('every recipe has its block, and the pages that show output are marked', async () => {
    const blocks = (await exampleBlocks()) as { id: string; file: string }[];
    expect([...new Set(blocks.map((b) => b.id))].sort()).toEqual([...(recipeIds() as string[])].sort());
    expect(new Set(blocks.map((b) => b.file))).toEqual(
      new Set([
        'docs/completion.md',
        'docs/config.md',
        'docs/design.md',
        'docs/farm-ffmpeg.md',
        'docs/fleet.md',
        'docs/investigate.md',
        'docs/journald.md',
        'docs/monitor-replay.md',
        'docs/monitor-service.md',
        'docs/monitor-status.md',
        'docs/operations.md',
        'docs/tmp-clean.md',
        'docs/webhook.md',
      ]),
    );
  });

  it('are what vpt prints now', async () => {
    const differing = (await checkExamples()) as Difference[];
    expect(differing.map((d) => `${d.where}\n--- docs\n${d.actual}\n+++ vpt\n${d.expected}`)).toEqual([]);
  }, 240_000);
});
