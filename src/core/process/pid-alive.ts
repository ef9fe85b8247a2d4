import { errnoCode } from '../errors.js';

/**
 * Whether a process with this pid exists. EPERM means it exists but belongs
 * to someone else: alive. Used for lock files and `vpt-<pid>` temp folders.
 */
export function isPidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return errnoCode(err) === 'EPERM';
  }
}
