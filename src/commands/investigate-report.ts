import type { Ui } from '../ui.js';
import type { InvestigateOptions } from './investigate.js';
export async function runReport(_opts: InvestigateOptions, _ui: Ui): Promise<number> {
  return 0;
}
