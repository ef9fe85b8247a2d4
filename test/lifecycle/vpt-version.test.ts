import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { vptVersion } from '../../src/core/lifecycle/vpt-version.js';
import { REPO_ROOT, runVpt } from '../helpers/run-vpt.js';

const version = (JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** status.json and /api/status carry vpt's version, found beside the module (sources) or the bundle (dist/cli.cjs). */
describe("vpt's own version", () => {
  it('from the sources', () => {
    expect(vptVersion()).toBe(version);
  });

  it('from the bundle, as --help and a command see it', async () => {
    const run = await runVpt(['--version', '--json']);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout.trim()).toBe(version);
  });
});
