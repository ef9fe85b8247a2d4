import { readFile } from '../fs/fs-async.js';
import path from 'node:path';
import { writeFileAtomic } from '../fs/atomic-write.js';
import { MAX_DEBOUNCE_KEYS } from './health-alerts.js';

/** The --for debounce counters between two samples: a small JSON file in the log dir. */
export const STATE_FILE = '.vpt-health-state.json';

interface StateFile {
  version: 1;
  counters: Record<string, number>;
}

export async function readDebounceCounters(logDir: string): Promise<Record<string, number>> {
  try {
    const state = JSON.parse(await readFile(path.join(logDir, STATE_FILE), 'utf8')) as StateFile;
    const counters: Record<string, number> = {};
    for (const [key, value] of Object.entries(state.counters ?? {}).slice(0, MAX_DEBOUNCE_KEYS)) {
      if (Number.isInteger(value) && value > 0) counters[key] = value;
    }
    return counters;
  } catch {
    // Missing or torn: start counting again, which only delays an alert by --for samples.
    return {};
  }
}

export async function writeDebounceCounters(logDir: string, counters: Record<string, number>): Promise<void> {
  const state: StateFile = { version: 1, counters };
  // Rewritten every 30 s on an SD card and rebuilt from scratch if lost: atomic, without fsync.
  await writeFileAtomic(path.join(logDir, STATE_FILE), `${JSON.stringify(state)}\n`, { fsync: false });
}
