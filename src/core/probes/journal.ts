import { stat } from '../fs/fs-async.js';
import path from 'node:path';
import { parseSize } from '../units.js';
import { PERSISTENT_JOURNAL_DIR, RUNTIME_JOURNAL_DIR } from '../journald/storage.js';
import { measureDirUsage, type DirUsage } from '../journald/usage.js';
import { FOLDER_SIZE_LIMITS, type FolderSizeLimits } from './folder-size.js';
import { readJournaldSettings } from './journald-config.js';
import { fsUsage } from './statfs-usage.js';
import { available, type Probe } from './types.js';

/** The systemd journal: how much RAM (/run/log/journal) and disk (/var/log/journal) it takes. */
export interface JournalInfo {
  /** Measured as `vpt journald-limits` measures it (journald/usage.ts). */
  runtime: DirUsage;
  persistent: DirUsage;
  /** Storage= as configured (default auto). */
  storage: string;
  /** Where journald writes: persistent when Storage=persistent, or auto with /var/log/journal present. */
  persistentEffective: boolean;
  /** RuntimeMaxUse as configured, else journald's default (10% of /run, at most 4G); undefined when unknown. */
  runtimeLimitBytes: number | undefined;
  runtimeLimitSource: string;
}

/** journald's own default for RuntimeMaxUse: 10% of the filesystem, capped at 4G (journald.conf(5)). */
const DEFAULT_RUNTIME_SHARE = 0.1;
const DEFAULT_RUNTIME_CAP_BYTES = 4 * 1024 ** 3;

function sizeOrUndefined(text: string): number | undefined {
  try {
    return parseSize(text);
  } catch {
    return undefined;
  }
}

export function journalProbe(limits: FolderSizeLimits = FOLDER_SIZE_LIMITS): Probe<JournalInfo> {
  return {
    name: 'journal',
    async sample(ctx) {
      const runtimeDir = path.join(ctx.rootfs, RUNTIME_JOURNAL_DIR);
      const persistentDir = path.join(ctx.rootfs, PERSISTENT_JOURNAL_DIR);
      const [runtime, persistent, settings, varLogJournal] = await Promise.all([
        measureDirUsage(runtimeDir, { maxEntries: limits.maxEntries }),
        measureDirUsage(persistentDir, { maxEntries: limits.maxEntries }),
        readJournaldSettings(ctx.rootfs),
        stat(persistentDir).catch(() => undefined),
      ]);
      const storage = settings.get('Storage')?.value ?? 'auto';
      const configured = settings.get('RuntimeMaxUse');
      let runtimeLimitBytes = configured ? sizeOrUndefined(configured.value) : undefined;
      let runtimeLimitSource = configured ? `RuntimeMaxUse=${configured.value} (${configured.file})` : '';
      if (runtimeLimitBytes === undefined) {
        const run = await fsUsage(path.join(ctx.rootfs, 'run')).catch(() => undefined);
        if (run) {
          runtimeLimitBytes = Math.min(DEFAULT_RUNTIME_CAP_BYTES, Math.floor(run.sizeBytes * DEFAULT_RUNTIME_SHARE));
          runtimeLimitSource = "journald's default (10% of /run)";
        }
      }
      return available({
        runtime,
        persistent,
        storage,
        persistentEffective: storage === 'persistent' || (storage === 'auto' && varLogJournal?.isDirectory() === true),
        runtimeLimitBytes,
        runtimeLimitSource,
      });
    },
  };
}
