import path from 'node:path';
import { checkCompliance, type ComplianceReport } from './compliance.js';
import { resolveJournaldConfig, type EffectiveConfig } from './effective-config.js';
import type { LimitValue } from './limits.js';
import { PERSISTENT_JOURNAL_DIR, RUNTIME_JOURNAL_DIR, resolveStorage, type StorageInfo } from './storage.js';
import { measureDirUsage, type DirUsage } from './usage.js';

/** Everything check mode shows: the effective config, where the journal lives, its size, the verdict. */
export interface JournaldInspection {
  config: EffectiveConfig;
  storage: StorageInfo;
  usage: { ram: DirUsage; disk: DirUsage };
  compliance: ComplianceReport;
}

export async function inspectJournald(root: string, recommended: readonly LimitValue[], wantPersistent: boolean): Promise<JournaldInspection> {
  const config = await resolveJournaldConfig(root);
  const storage = await resolveStorage(root, config.settings.get('Storage'));
  const [ram, disk] = await Promise.all([measureDirUsage(path.join(root, RUNTIME_JOURNAL_DIR)), measureDirUsage(path.join(root, PERSISTENT_JOURNAL_DIR))]);
  const compliance = checkCompliance(config.settings, recommended, storage, wantPersistent);
  return { config, storage, usage: { ram, disk }, compliance };
}

const usageJson = (u: DirUsage) => ({ ...u, bytes: u.bytes ?? null, apparentBytes: u.apparentBytes ?? null });

/** Plain data for --json: Maps do not serialise, and an unknown value is null rather than an absent key. */
export function inspectionToJson(inspection: JournaldInspection): Record<string, unknown> {
  const { config, storage, usage, compliance } = inspection;
  return {
    root: config.root,
    files: { main: config.files.main ?? null, dropIns: config.files.dropIns.map(({ readPath: _, ...d }) => d) },
    settings: Object.fromEntries(config.settings),
    warnings: config.warnings,
    storage,
    usage: { ram: usageJson(usage.ram), disk: usageJson(usage.disk) },
    limits: compliance.limits.map((l) => ({ ...l, current: l.current ?? null })),
    compliant: compliance.compliant,
  };
}
