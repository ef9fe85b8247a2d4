import { resolveJournaldConfig } from '../journald/effective-config.js';

/**
 * The journald settings the investigation needs (Storage, RuntimeMaxUse), read
 * by journald-limits' own resolver: one parser (line continuation, sections,
 * resets) and one search path (journald.conf in /etc, /run, /usr/local/lib,
 * /usr/lib; drop-ins masked and shadowed as journald does), so the report and
 * `vpt journald-limits` never disagree about the config.
 */

export interface JournaldSetting {
  value: string;
  file: string;
}

/** Settings by key; empty when the config cannot be read (the journal probe still measures the folders). */
export async function readJournaldSettings(rootfs: string): Promise<Map<string, JournaldSetting>> {
  let config;
  try {
    config = await resolveJournaldConfig(rootfs);
  } catch {
    // Unreadable or absurd config: journald-limits reports it; the probe carries on with defaults.
    return new Map();
  }
  return new Map([...config.settings].map(([key, s]) => [key, { value: s.value, file: s.source }]));
}
