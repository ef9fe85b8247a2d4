/**
 * Where a segment's sound starts against its picture (pure, no I/O): the
 * first PTS of its first audio and first video stream, read from the MPEG-TS
 * packets (PAT -> PMT -> PES headers). A segment starts on a video keyframe
 * (frame N x fps x segment seconds), but the muxer interleaves the sound up
 * to a few hundred ms earlier (ffmpeg's segment muxer: 21 ms in a first
 * segment, 192 ms in the 41st of a 1 s grid), and ffmpeg's level stream
 * counts time from the earlier of the two. A stream started on a segment is
 * placed with this lead instead of being off by it.
 */

const PACKET = 188;
const SYNC = 0x47;
/** 90 kHz PTS ticks per ms. */
const TICKS_PER_MS = 90;
/** PTS are 33 bits: a lead this large is a wrap or nonsense, not interleaving. */
const MAX_LEAD_MS = 5_000;

const VIDEO_TYPES = new Set([0x01, 0x02, 0x10, 0x1b, 0x24, 0x42, 0xea]);
const AUDIO_TYPES = new Set([0x03, 0x04, 0x0f, 0x11, 0x1c, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87]);
/** Descriptors that make a private-data stream (type 0x06) audio: AC-3, E-AC-3, DTS, AAC. */
const AUDIO_DESCRIPTORS = new Set([0x6a, 0x7a, 0x7b, 0x7c]);

export interface FirstPts {
  audio?: number;
  video?: number;
}

/** The first audio and video PTS (90 kHz ticks) of a segment's bytes; absent when not found. */
export function firstPts(bytes: Uint8Array): FirstPts {
  let pmtPid: number | undefined;
  let audioPid: number | undefined;
  let videoPid: number | undefined;
  const found: FirstPts = {};
  for (let at = 0; at + PACKET <= bytes.length; at += PACKET) {
    if (bytes[at] !== SYNC) return found; // not a TS of 188-byte packets (or lost sync): no correction
    const start = (bytes[at + 1]! & 0x40) !== 0;
    const pid = ((bytes[at + 1]! & 0x1f) << 8) | bytes[at + 2]!;
    const control = (bytes[at + 3]! >> 4) & 0x03;
    if ((control & 0x01) === 0 || !start) continue; // no payload, or not the start of a table or PES
    const payload = at + 4 + ((control & 0x02) !== 0 ? 1 + bytes[at + 4]! : 0);
    const end = at + PACKET;
    if (payload >= end) continue;
    if (pid === 0) {
      pmtPid ??= patProgramPid(bytes, payload, end);
    } else if (pid === pmtPid && audioPid === undefined && videoPid === undefined) {
      ({ audioPid, videoPid } = pmtStreams(bytes, payload, end));
    } else if (pid === audioPid && found.audio === undefined) {
      found.audio = pesPts(bytes, payload, end);
    } else if (pid === videoPid && found.video === undefined) {
      found.video = pesPts(bytes, payload, end);
    }
    if (found.audio !== undefined && found.video !== undefined) return found;
  }
  return found;
}

/** How long before its picture a segment's sound starts (ms, >= 0); 0 when unknown. */
export function audioLeadMs(bytes: Uint8Array): number {
  const { audio, video } = firstPts(bytes);
  if (audio === undefined || video === undefined) return 0;
  const lead = (video - audio) / TICKS_PER_MS;
  return lead > 0 && lead < MAX_LEAD_MS ? lead : 0;
}

/** The first program's PMT PID from a PAT section. */
function patProgramPid(bytes: Uint8Array, payload: number, end: number): number | undefined {
  const section = payload + 1 + bytes[payload]!; // pointer field
  if (section + 8 > end || bytes[section] !== 0x00) return undefined;
  const length = ((bytes[section + 1]! & 0x0f) << 8) | bytes[section + 2]!;
  const last = Math.min(section + 3 + length - 4, end); // before the CRC
  for (let p = section + 8; p + 4 <= last; p += 4) {
    const program = (bytes[p]! << 8) | bytes[p + 1]!;
    if (program !== 0) return ((bytes[p + 2]! & 0x1f) << 8) | bytes[p + 3]!; // program 0 is the network PID
  }
  return undefined;
}

/** The first audio and video elementary PIDs of a PMT section, in its order (ffmpeg's 0:a:0). */
function pmtStreams(bytes: Uint8Array, payload: number, end: number): { audioPid?: number; videoPid?: number } {
  const section = payload + 1 + bytes[payload]!;
  if (section + 12 > end || bytes[section] !== 0x02) return {};
  const length = ((bytes[section + 1]! & 0x0f) << 8) | bytes[section + 2]!;
  const last = Math.min(section + 3 + length - 4, end);
  const programInfo = ((bytes[section + 10]! & 0x0f) << 8) | bytes[section + 11]!;
  const out: { audioPid?: number; videoPid?: number } = {};
  for (let p = section + 12 + programInfo; p + 5 <= last;) {
    const type = bytes[p]!;
    const pid = ((bytes[p + 1]! & 0x1f) << 8) | bytes[p + 2]!;
    const infoLength = ((bytes[p + 3]! & 0x0f) << 8) | bytes[p + 4]!;
    const audio = AUDIO_TYPES.has(type) || (type === 0x06 && hasDescriptor(bytes, p + 5, Math.min(p + 5 + infoLength, last), AUDIO_DESCRIPTORS));
    if (audio) out.audioPid ??= pid;
    else if (VIDEO_TYPES.has(type)) out.videoPid ??= pid;
    p += 5 + infoLength;
  }
  return out;
}

function hasDescriptor(bytes: Uint8Array, from: number, to: number, tags: ReadonlySet<number>): boolean {
  for (let p = from; p + 2 <= to; p += 2 + bytes[p + 1]!) if (tags.has(bytes[p]!)) return true;
  return false;
}

/** The PTS of a PES header starting at `payload` (33 bits, as a number), if it has one. */
function pesPts(bytes: Uint8Array, payload: number, end: number): number | undefined {
  if (payload + 14 > end || bytes[payload] !== 0 || bytes[payload + 1] !== 0 || bytes[payload + 2] !== 1) return undefined;
  if ((bytes[payload + 7]! & 0x80) === 0) return undefined;
  const p = payload + 9;
  return ((bytes[p]! >> 1) & 0x07) * 2 ** 30 + bytes[p + 1]! * 2 ** 22 + (bytes[p + 2]! >> 1) * 2 ** 15 + bytes[p + 3]! * 2 ** 7 + (bytes[p + 4]! >> 1);
}
