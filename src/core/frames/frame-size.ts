/**
 * The farm's frame sizes (docs/design.md "Input layout"): ffmpeg writes a 1280x720
 * capture and a 320x180 nearest-neighbour thumbnail of it, so the thumbnail
 * is a sample of every 4th pixel. Detectors run on the thumbnail.
 */
export const CAPTURE_SIZE = { width: 1280, height: 720 } as const;
export const THUMBNAIL_SIZE = { width: 320, height: 180 } as const;
/**
 * The largest frame vpt decodes (4K UHD): a capture is 1280x720 today, and a
 * bigger declared size is a damaged or hostile file, refused from its header
 * before any decoder allocates for it (a 3840x2160 RGB decode is 25 MB).
 */
export const MAX_CAPTURE_SIZE = { width: 3840, height: 2160 } as const;
