/**
 * libvips' operation cache keys on the input: every frame is a new buffer, so
 * it can never hit and would only retain decoded pixels (up to 50 MB and 20
 * open files by default). Zero is the bound.
 */
const SHARP_CACHE_MEMORY_MB = 0;
const SHARP_CACHE_FILES = 0;
const SHARP_CACHE_ITEMS = 0;
/**
 * Threads libvips uses per image. A 320x180 thumbnail is too small to split
 * usefully; parallelism comes from several frames in flight on libuv's pool,
 * and one thread per image keeps glibc's per-thread malloc arenas (a known
 * source of RSS growth with sharp) few.
 */
const SHARP_CONCURRENCY = 1;

type SharpFactory = typeof import('sharp');

let loading: Promise<SharpFactory> | undefined;

/**
 * sharp (libvips) loaded on first use, with the bounds above set before its first decode: the frames
 * of a farm (baseline JPEG, read by the luma decoder) never need it, and loading it cost a monitor or
 * a replay ~90 ms of start-up and ~10 MB.
 */
export function loadSharp(): Promise<SharpFactory> {
  loading ??= import('sharp').then(({ default: sharp }) => {
    sharp.cache({ memory: SHARP_CACHE_MEMORY_MB, files: SHARP_CACHE_FILES, items: SHARP_CACHE_ITEMS });
    sharp.concurrency(SHARP_CONCURRENCY);
    return sharp;
  });
  return loading;
}
