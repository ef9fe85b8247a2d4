import * as fs from 'node:fs';
import { promisify } from 'node:util';

/**
 * Promise forms of the file calls the 30 s health sample and its probes make, built from fs's callback
 * API. node:fs/promises (and fs.promises) loads readline, fs/dir, the watchers and its FileHandle
 * class on first use, a few ms of a sample that is itself ~30 ms above Node's own start-up (issue 15).
 * Files are opened as plain descriptors (open/fstat/read/close), not FileHandles, for the same reason.
 * Each is promisified on its first call: eighteen promisify() calls at load were another 1 ms.
 */
function lazy<F extends (...args: never[]) => unknown>(make: () => F): F {
  let made: F | undefined;
  return ((...args: Parameters<F>) => (made ??= make())(...args)) as F;
}

export const stat = lazy(() => promisify(fs.stat));
export const lstat = lazy(() => promisify(fs.lstat));
export const fstat = lazy(() => promisify(fs.fstat));
export const statfs = lazy(() => promisify(fs.statfs));
export const readdir = lazy(() => promisify(fs.readdir));
export const realpath = lazy(() => promisify(fs.realpath));
export const readlink = lazy(() => promisify(fs.readlink));
export const readFile = lazy(() => promisify(fs.readFile));
export const writeFile = lazy(() => promisify(fs.writeFile));
export const appendFile = lazy(() => promisify(fs.appendFile));
export const mkdir = lazy(() => promisify(fs.mkdir));
export const rename = lazy(() => promisify(fs.rename));
export const rm = lazy(() => promisify(fs.rm));
export const open = lazy(() => promisify(fs.open));
export const close = lazy(() => promisify(fs.close));
export const read = lazy(() => promisify(fs.read));
export const fsync = lazy(() => promisify(fs.fsync));
export const fchmod = lazy(() => promisify(fs.fchmod));
export const opendir = lazy(() => promisify(fs.opendir));
