import path from 'node:path';
import { available, type Probe } from './types.js';
import { pathExists } from '../fs/path-exists.js';

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

/** Whether the 30 s health sampling is installed (timer or cron). */
export const healthSamplingProbe: Probe<HealthSamplingInfo> = {
  name: 'health-sampling',
  async sample(ctx) {
    const [timer, cron] = await Promise.all([
      pathExists(path.join(ctx.rootfs, HEALTH_UNIT_PATHS.timer)),
      pathExists(path.join(ctx.rootfs, HEALTH_UNIT_PATHS.cron)),
    ]);
    return available({ systemdTimer: timer, cron });
  },
};
