import { fstatSync } from 'node:fs';

/**
 * Whether a file descriptor is the systemd journal's stream: systemd sets JOURNAL_STREAM to
 * `<device>:<inode>` of the stream it connects to a service's stdout/stderr (systemd.exec(5)), and
 * the fd must be that very file (a child that redirected stderr elsewhere inherits the variable).
 * Then each line may start with its sd-daemon priority (`<4>`), which journald strips and stores,
 * so `journalctl -p warning` filters vpt's lines.
 */
export function isJournalStream(env: NodeJS.ProcessEnv, fd: number): boolean {
  const match = /^(\d+):(\d+)$/.exec(env.JOURNAL_STREAM ?? '');
  if (!match) return false;
  try {
    // bigint: an inode number may exceed 2^53 on some filesystems.
    const st = fstatSync(fd, { bigint: true });
    return st.dev === BigInt(match[1]!) && st.ino === BigInt(match[2]!);
  } catch {
    return false;
  }
}
