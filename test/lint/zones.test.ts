import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { ZONES } from '../../eslint-zones.js';
import { REPO_ROOT } from '../helpers/run-vpt.js';

/**
 * Each of the house's zones (eslint-zones.js) refuses a planted import, with
 * the repository's own ESLint config: a file that is not on disk, linted as
 * if it were at `file`, importing a module that exists. A control import in
 * the same file that the zones allow is not reported, so the rule is not
 * simply failing on everything.
 */
const eslint = new ESLint({ cwd: REPO_ROOT });

const PLANTS: { zone: string; file: string; forbidden: string; allowed: string }[] = [
  { zone: 'the core knows no command', file: 'src/core/status/planted.ts', forbidden: '../../commands/monitor/options.js', allowed: '../units.js' },
  {
    zone: 'the frame path does not know who drives it',
    file: 'src/core/pipeline/planted.ts',
    forbidden: '../live/stall-watch.js',
    allowed: '../frames/frame-size.js',
  },
  { zone: 'the frame path does not know who shows it', file: 'src/core/events/planted.ts', forbidden: '../status/status-snapshot.js', allowed: './types.js' },
  { zone: 'a detector is a function of frames', file: 'src/core/detectors/planted.ts', forbidden: '../units.js', allowed: '../frames/frame-size.js' },
  { zone: 'ground does not reach up', file: 'src/core/memory/planted.ts', forbidden: '../probes/proc-pid.js', allowed: '../units.js' },
  {
    zone: "the host report reads files, not the monitor's code",
    file: 'src/core/probes/planted.ts',
    forbidden: '../live/frame-queue.js',
    allowed: '../units.js',
  },
  { zone: 'incidents are stored, not driven', file: 'src/core/incidents/planted.ts', forbidden: '../live/frame-queue.js', allowed: '../units.js' },
];

async function zoneErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(REPO_ROOT, file) });
  return result!.messages.filter((m) => m.ruleId === 'import-x/no-restricted-paths').map((m) => m.message);
}

describe('the house rules as ESLint zones', () => {
  it('every zone has a planted import below', () => {
    for (const zone of ZONES)
      expect(
        PLANTS.some((p) => zone.message.startsWith(p.zone)),
        zone.message,
      ).toBe(true);
  });

  it.each(PLANTS)(
    '$zone: $file importing $forbidden is refused (a type-only import too)',
    async ({ zone, file, forbidden, allowed }) => {
      const code = `import * as forbidden from '${forbidden}';\nimport type * as alsoForbidden from '${forbidden}';\nimport * as allowed from '${allowed}';\nexport const x = [forbidden, allowed];\nexport type Y = typeof alsoForbidden;\n`;
      const errors = await zoneErrors(file, code);
      expect(errors).toHaveLength(2);
      for (const e of errors) expect(e).toContain(zone);
    },
    60_000,
  );
});
