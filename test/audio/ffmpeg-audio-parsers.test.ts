import { describe, expect, it } from 'vitest';
import {
  VOLUME_FLOOR_DB,
  hasNoAudioStream,
  parseDecodedDurationSec,
  parseSilencedetect,
  parseVolumedetect,
  totalSilenceSec,
} from '../../src/core/audio/ffmpeg-audio-parsers.js';

// Captured from ffmpeg 5.1 (Debian 12) on lavfi-generated mpegts files:
// `ffmpeg -hide_banner -nostats -i X.ts -map 0:a:0 -af volumedetect,silencedetect=noise=-50dB:d=0.5 -f null -`

/** 8 s tone with silence over 2-4 s and from 6 s to the end. */
const GAP = `Input #0, mpegts, from 'gap.ts':
  Duration: 00:00:08.02, start: 1.578667, bitrate: 376 kb/s
  Program 1 
    Metadata:
      service_name    : Service01
      service_provider: FFmpeg
  Stream #0:0[0x100]: Video: mpeg2video (Main) ([2][0][0][0] / 0x0002), yuv420p(tv, progressive), 320x180 [SAR 1:1 DAR 16:9], 5 fps, 5 tbr, 90k tbn
    Side data:
      cpb: bitrate max/min/avg: 0/0/0 buffer size: 49152 vbv_delay: N/A
  Stream #0:1[0x101]: Audio: aac (LC) ([15][0][0][0] / 0x000F), 48000 Hz, mono, fltp, 49 kb/s
Stream mapping:
  Stream #0:1 -> #0:0 (aac (native) -> pcm_s16le (native))
Press [q] to stop, [?] for help
Output #0, null, to 'pipe:':
  Metadata:
    encoder         : Lavf59.27.100
  Stream #0:0: Audio: pcm_s16le, 48000 Hz, mono, s16, 768 kb/s
    Metadata:
      encoder         : Lavc59.37.100 pcm_s16le
[silencedetect @ 0x55b0ba3dd140] silence_start: 2.02679
[silencedetect @ 0x55b0ba3dd140] silence_end: 4.03187 | silence_duration: 2.00508
[silencedetect @ 0x55b0ba3dd140] silence_start: 6.03737
size=N/A time=00:00:08.02 bitrate=N/A speed= 665x    
video:0kB audio:752kB subtitle:0kB other streams:0kB global headers:0kB muxing overhead: unknown
[Parsed_volumedetect_0 @ 0x55b0ba42e600] n_samples: 385024
[Parsed_volumedetect_0 @ 0x55b0ba42e600] mean_volume: -24.1 dB
[Parsed_volumedetect_0 @ 0x55b0ba42e600] max_volume: -16.1 dB
[Parsed_volumedetect_0 @ 0x55b0ba42e600] histogram_16db: 31
[Parsed_volumedetect_0 @ 0x55b0ba42e600] histogram_17db: 2620
[silencedetect @ 0x55b0ba3dd140] silence_end: 8.02133 | silence_duration: 1.98396`;

/** 3 s of anullsrc: digital silence from start to end. */
const SILENT = `Input #0, mpegts, from 'silent.ts':
  Duration: 00:00:03.02, start: 1.578667, bitrate: 401 kb/s
  Program 1 
    Metadata:
      service_name    : Service01
      service_provider: FFmpeg
  Stream #0:0[0x100]: Video: mpeg2video (Main) ([2][0][0][0] / 0x0002), yuv420p(tv, progressive), 320x180 [SAR 1:1 DAR 16:9], 5 fps, 5 tbr, 90k tbn
    Side data:
      cpb: bitrate max/min/avg: 0/0/0 buffer size: 49152 vbv_delay: N/A
  Stream #0:1[0x101]: Audio: aac (LC) ([15][0][0][0] / 0x000F), 48000 Hz, stereo, fltp, 4 kb/s
Stream mapping:
  Stream #0:1 -> #0:0 (aac (native) -> pcm_s16le (native))
Press [q] to stop, [?] for help
Output #0, null, to 'pipe:':
  Metadata:
    encoder         : Lavf59.27.100
  Stream #0:0: Audio: pcm_s16le, 48000 Hz, stereo, s16, 1536 kb/s
    Metadata:
      encoder         : Lavc59.37.100 pcm_s16le
[silencedetect @ 0x55a3018ae840] silence_start: 0
size=N/A time=00:00:03.02 bitrate=N/A speed= 415x    
video:0kB audio:568kB subtitle:0kB other streams:0kB global headers:0kB muxing overhead: unknown
[Parsed_volumedetect_0 @ 0x55a3018f7100] n_samples: 290816
[Parsed_volumedetect_0 @ 0x55a3018f7100] mean_volume: -91.0 dB
[Parsed_volumedetect_0 @ 0x55a3018f7100] max_volume: -91.0 dB
[Parsed_volumedetect_0 @ 0x55a3018f7100] histogram_91db: 290816
[silencedetect @ 0x55a3018ae840] silence_end: 3.02933 | silence_duration: 3.02933`;

/** Video only, `-map 0:a:0`. */
const NO_AUDIO_MAP = `Input #0, mpegts, from 'noaudio.ts':
  Duration: 00:00:03.00, start: 1.600000, bitrate: 394 kb/s
  Program 1 
    Metadata:
      service_name    : Service01
      service_provider: FFmpeg
  Stream #0:0[0x100]: Video: mpeg2video (Main) ([2][0][0][0] / 0x0002), yuv420p(tv, progressive), 320x180 [SAR 1:1 DAR 16:9], 5 fps, 5 tbr, 90k tbn
    Side data:
      cpb: bitrate max/min/avg: 0/0/0 buffer size: 49152 vbv_delay: N/A
Stream map '0:a:0' matches no streams.
To ignore this, add a trailing '?' to the map.`;

/** Video only, `-vn -map 0:a:0?`. */
const NO_AUDIO_OPTIONAL_MAP = `Input #0, mpegts, from 'noaudio.ts':
  Duration: 00:00:03.00, start: 1.600000, bitrate: 394 kb/s
  Program 1 
    Metadata:
      service_name    : Service01
      service_provider: FFmpeg
  Stream #0:0[0x100]: Video: mpeg2video (Main) ([2][0][0][0] / 0x0002), yuv420p(tv, progressive), 320x180 [SAR 1:1 DAR 16:9], 5 fps, 5 tbr, 90k tbn
    Side data:
      cpb: bitrate max/min/avg: 0/0/0 buffer size: 49152 vbv_delay: N/A
Output #0, null, to 'pipe:':
Output file #0 does not contain any stream`;

describe('parseVolumedetect', () => {
  it('reads mean and max volume of a tone with gaps', () => {
    expect(parseVolumedetect(GAP)).toEqual({ meanVolumeDb: -24.1, maxVolumeDb: -16.1 });
  });

  it('reads digital silence as the s16 floor', () => {
    expect(parseVolumedetect(SILENT)).toEqual({ meanVolumeDb: -91, maxVolumeDb: -91 });
  });

  it('clamps -inf to the floor so JSON keeps a number', () => {
    const text = '[Parsed_volumedetect_0 @ 0x1] mean_volume: -inf dB\n[Parsed_volumedetect_0 @ 0x1] max_volume: -inf dB\n';
    expect(parseVolumedetect(text)).toEqual({ meanVolumeDb: VOLUME_FLOOR_DB, maxVolumeDb: VOLUME_FLOOR_DB });
  });

  it('is undefined when nothing was decoded', () => {
    expect(parseVolumedetect(NO_AUDIO_MAP)).toBeUndefined();
    expect(parseVolumedetect('')).toBeUndefined();
  });
});

describe('parseSilencedetect', () => {
  it('lists each silence with start, end and duration', () => {
    const intervals = parseSilencedetect(GAP);
    expect(intervals).toHaveLength(2);
    expect(intervals[0]).toEqual({ start: 2.02679, end: 4.03187, duration: expect.closeTo(2.00508, 4) });
    expect(intervals[1]).toEqual({ start: 6.03737, end: 8.02133, duration: expect.closeTo(1.98396, 4) });
  });

  it('covers a wholly silent input', () => {
    expect(parseSilencedetect(SILENT)).toEqual([{ start: 0, end: 3.02933, duration: 3.02933 }]);
  });

  it('closes a silence still open at the end of input at the decoded duration', () => {
    // Older ffmpeg builds print no silence_end when the input ends in silence.
    const truncated = GAP.split('\n')
      .filter((l) => !l.includes('silence_end: 8.02133'))
      .join('\n');
    const intervals = parseSilencedetect(truncated);
    expect(intervals).toHaveLength(2);
    expect(intervals[1]!.start).toBe(6.03737);
    expect(intervals[1]!.end).toBe(8.02);
    expect(intervals[1]!.duration).toBeCloseTo(1.98263, 4);
  });

  it('closes an open silence at the end the caller knows, when given', () => {
    const truncated = SILENT.split('\n')
      .filter((l) => !l.includes('silence_end'))
      .join('\n');
    expect(parseSilencedetect(truncated, 5)).toEqual([{ start: 0, end: 5, duration: 5 }]);
  });

  it('drops an open silence with no known end rather than inventing one', () => {
    expect(parseSilencedetect('[silencedetect @ 0x1] silence_start: 1.5\n')).toEqual([]);
  });

  it('finds nothing in a stream without audio', () => {
    expect(parseSilencedetect(NO_AUDIO_MAP)).toEqual([]);
  });

  it('sums silence', () => {
    expect(totalSilenceSec(parseSilencedetect(GAP))).toBeCloseTo(3.98904, 4);
  });
});

describe('parseDecodedDurationSec', () => {
  it('prefers the last progress time over the container estimate', () => {
    expect(parseDecodedDurationSec(GAP)).toBe(8.02);
    expect(parseDecodedDurationSec(SILENT)).toBe(3.02);
  });

  it('falls back to the input header', () => {
    expect(parseDecodedDurationSec(NO_AUDIO_MAP)).toBe(3);
  });

  it('skips the negative time printed before the first packet', () => {
    expect(parseDecodedDurationSec('size=N/A time=-577014:32:22.77 bitrate=N/A\nsize=N/A time=00:00:01.00 bitrate=N/A')).toBe(1);
  });

  it('is undefined without either', () => {
    expect(parseDecodedDurationSec('nothing here')).toBeUndefined();
  });
});

describe('hasNoAudioStream', () => {
  it('recognises both ways ffmpeg says the audio stream is absent', () => {
    expect(hasNoAudioStream(NO_AUDIO_MAP)).toBe(true);
    expect(hasNoAudioStream(NO_AUDIO_OPTIONAL_MAP)).toBe(true);
  });

  it('is false for audio, silent or not', () => {
    expect(hasNoAudioStream(GAP)).toBe(false);
    expect(hasNoAudioStream(SILENT)).toBe(false);
  });
});
