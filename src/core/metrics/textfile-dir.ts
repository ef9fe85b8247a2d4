import { statSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';

/**
 * node_exporter's textfile collector folders, in the order `--prom` with no file looks for them:
 * Debian's and Raspberry Pi OS's prometheus-node-exporter package (its /etc/default file passes
 * --collector.textfile.directory=/var/lib/prometheus/node-exporter), then upstream's documented one.
 */
export const TEXTFILE_DIRS = ['/var/lib/prometheus/node-exporter', '/var/lib/node_exporter/textfile_collector'] as const;
/** The file vpt writes into that folder. */
export const PROM_FILE_NAME = 'vpt.prom';

/**
 * `<folder>/vpt.prom` for the first textfile folder that exists under `root` (the host, or an image
 * staged with --root; tests give a temp tree). The path returned is the one the host will see:
 * without `root`.
 */
export function defaultPromFile(root = '/'): string {
  for (const dir of TEXTFILE_DIRS) {
    try {
      if (statSync(path.join(root, dir)).isDirectory()) return path.join(dir, PROM_FILE_NAME);
    } catch {
      // Not there: the next one.
    }
  }
  throw new UsageError(
    `--prom: no node_exporter textfile folder ${root === '/' ? 'on this host' : `under ${root}`} (looked for ${TEXTFILE_DIRS.join(' and ')}); install prometheus-node-exporter or give the file, e.g. --prom /path/vpt.prom`,
  );
}
