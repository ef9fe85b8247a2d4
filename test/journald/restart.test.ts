import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { restartJournald } from '../../src/core/journald/restart.js';
import { makeTempDir } from '../helpers/run-vpt.js';
import { installFakeSystemctl } from './fake-systemctl.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await makeTempDir('vpt-restart-')));
afterEach(() => cleanup());

const bin = () => path.join(dir, 'bin');
const pathWithFake = () => ({ PATH: `${bin()}:${process.env.PATH}` });

describe('restartJournald (systemctl found on PATH)', () => {
  it('runs `systemctl restart systemd-journald` and reports success', async () => {
    const fake = await installFakeSystemctl(bin(), 0);
    expect(await restartJournald({ env: pathWithFake() })).toEqual({ ok: true, message: 'restarted systemd-journald' });
    expect(await fake.calls()).toEqual(['restart systemd-journald']);
  });

  it('a failing systemctl is a result naming the exit code and its complaint, not an exception', async () => {
    await installFakeSystemctl(bin(), 5, 'Failed to restart systemd-journald.service: Unit not found.');
    const result = await restartJournald({ env: pathWithFake() });
    expect(result.ok).toBe(false);
    expect(result.message).toBe('systemctl restart systemd-journald failed (exit 5: Failed to restart systemd-journald.service: Unit not found.)');
  });

  it('no systemctl at all is reported clearly', async () => {
    await fs.mkdir(bin());
    const result = await restartJournald({ env: { PATH: bin() } });
    expect(result).toEqual({ ok: false, message: 'cannot restart systemd-journald: systemctl is not installed or not on PATH' });
  });
});
