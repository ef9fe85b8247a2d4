import { UsageError } from '../core/errors.js';
import type { Ui } from '../ui.js';

/** Placeholder until its issue lands: the help text in cli.ts is real, the work is not yet. */
export async function run(_options: Record<string, unknown>, _ui: Ui): Promise<number> {
  throw new UsageError('vpt monitor is not yet implemented in this version');
}
