/** What `vpt tmp-clean` decided about each matching entry; the command prints it, `--json` dumps it. */

/** Why a matching entry was left alone. Stable strings: `--json` consumers match on them. */
export type SkipReason =
  | 'symlink' // never followed, never removed: its target may be anywhere
  | 'not-regular-file' // a file pattern matched a folder, FIFO, socket or device
  | 'not-directory' // a vpt-<pid> name that is not a folder
  | 'young' // newest of mtime and ctime is within --older-than
  | 'other-user' // owned by another uid and we are not root
  | 'pid-alive' // vpt-<pid> folder of a running process
  | 'locked' // in /proc/locks (flock, POSIX or OFD lock, lease)
  | 'in-use' // some process holds it open
  | 'changed' // a different file stood under the name at removal time
  | 'vanished'; // removed by someone else mid-run: fine, not an error

export const SKIP_TEXT: Record<SkipReason, string> = {
  symlink: 'symlink (never followed)',
  'not-regular-file': 'not a regular file',
  'not-directory': 'not a folder',
  young: 'too young',
  'other-user': 'owned by another user',
  'pid-alive': 'its process is running',
  locked: 'locked by a process',
  'in-use': 'open in a process',
  changed: 'replaced by another file during the run',
  vanished: 'vanished during the run',
};

export interface Removal {
  path: string;
  /** Apparent size (st_size) of the file, or of every regular file in the folder. */
  bytes: number;
  kind: 'file' | 'folder';
}

export interface Skip {
  path: string;
  reason: SkipReason;
}

export interface CleanError {
  path: string;
  /** errno name (EACCES, EPERM, EIO...) or ETOODEEP for a folder nested beyond the limit. */
  code: string;
  message: string;
}

export interface CleanResult {
  /** --dir as resolved once at start (realpath). */
  dir: string;
  dryRun: boolean;
  /** With dryRun, what would have been removed. */
  removed: Removal[];
  totalBytes: number;
  /** The first MAX_SKIPS_LISTED entries left alone; skippedByReason counts them all. */
  skipped: Skip[];
  /** Every entry left alone, counted by reason (reasons with none are absent). */
  skippedByReason: Partial<Record<SkipReason, number>>;
  errors: CleanError[];
  /** The run stopped at the per-run limit of removal candidates; the rest waits for the next run. */
  truncated: boolean;
}
