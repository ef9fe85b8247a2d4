import { stat } from 'node:fs/promises';
import path from 'node:path';
import { available, type Probe } from './types.js';

/** Where `vpt investigate --install` puts its files, relative to the root. */
export const HEALTH_UNIT_PATHS = {
  service: 'etc/systemd/system/vpt-health.service',
  timer: 'etc/systemd/system/vpt-health.timer',
  cron: 'etc/cron.d/vpt-health',
} as const;

export interface HealthSamplingInfo {
  systemdTimer: boolean;
  cron: boolean;
}

async function exists(file: string): Promise<boolean> {
  return (await stat(file).catch(() => undefined)) !== undefined;
}

/** Whether the 30 s health sampling is installed (timer or cron). */
export const healthSamplingProbe: Probe<HealthSamplingInfo> = {
  name: 'health-sampling',
  async sample(ctx) {
    const [timer, cron] = await Promise.all([
      exists(path.join(ctx.rootfs, HEALTH_UNIT_PATHS.timer)),
      exists(path.join(ctx.rootfs, HEALTH_UNIT_PATHS.cron)),
    ]);
    return available({ systemdTimer: timer, cron });
  },
};
