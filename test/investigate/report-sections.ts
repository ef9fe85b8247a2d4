/** The full report's sections, in order, as `vpt investigate --json` lists them (the tests' expectation). */
export const REPORT_SECTIONS = [
  'system',
  'memory',
  'cpu',
  'top',
  'tracked',
  'disk',
  'hot',
  'oom',
  'journal',
  'boots',
  'services',
  'ffmpeg-logs',
  'temp',
  'health-sampling',
  'trends',
];
