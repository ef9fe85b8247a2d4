import { access } from 'node:fs/promises';

/** Whether `file` exists (any kind; a broken symlink does not). Never throws. */
export const pathExists = (file: string): Promise<boolean> =>
  access(file).then(
    () => true,
    () => false,
  );
