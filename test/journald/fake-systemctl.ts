import { promises as fs } from 'node:fs';
import path from 'node:path';

/**
 * A stand-in `systemctl` for the one thing that cannot exist here, a running
 * systemd: it records its arguments and exits with the given code.
 */
export async function installFakeSystemctl(binDir: string, exitCode: number, stderr = ''): Promise<{ calls: () => Promise<string[]> }> {
  await fs.mkdir(binDir, { recursive: true });
  const log = path.join(binDir, 'systemctl.calls');
  const script = ['#!/bin/sh', `echo "$*" >> '${log}'`, stderr === '' ? '' : `echo '${stderr}' >&2`, `exit ${exitCode}`, ''].join('\n');
  await fs.writeFile(path.join(binDir, 'systemctl'), script, { mode: 0o755 });
  return {
    calls: async () => {
      try {
        return (await fs.readFile(log, 'utf8')).split('\n').filter(Boolean);
      } catch {
        return [];
      }
    },
  };
}
