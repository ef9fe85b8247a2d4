import { fsUsage, type FsUsage } from './statfs-usage.js';
import { available, type Probe } from './types.js';

export interface DiskInfo extends FsUsage {
  path: string;
}

/** Usage of the root filesystem (df /). */
export const diskProbe: Probe<DiskInfo> = {
  name: 'disk',
  async sample(ctx) {
    return available({ path: '/', ...(await fsUsage(ctx.rootfs)) });
  },
};
