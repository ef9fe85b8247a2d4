/**
 * Holds the monitor lock of a state dir like a running monitor would (its
 * name contains "vpt", as a real monitor's command line does).
 *   vpt-lock-holder.ts <state-dir> [obey|ignore-term]
 * Prints "ready <pid>"; on SIGTERM releases the lock and exits 0 (obey) or
 * keeps holding it (ignore-term), so --replace must SIGKILL it.
 */
import { acquireInstanceLock } from '../../../src/core/lifecycle/instance-lock.js';

const [stateDir, mode = 'obey'] = process.argv.slice(2);
if (!stateDir) throw new Error('usage: vpt-lock-holder.ts <state-dir> [obey|ignore-term]');
const lock = await acquireInstanceLock(stateDir);
process.on('SIGTERM', () => {
  if (mode === 'ignore-term') return;
  lock.release();
  process.exit(0);
});
process.stdout.write(`ready ${process.pid}\n`);
setInterval(() => undefined, 60_000);
