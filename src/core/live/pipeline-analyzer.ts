import { UsageError } from '../errors.js';
import type { AnalyzerFactory } from './device-analyzer.js';

/**
 * Adapts the frame pipeline's analyzer (issue 3: detectors, per-frame JSON,
 * event tracker) to the live monitor's DeviceAnalyzer contract. The pipeline
 * is not merged into this branch yet: until it is, live mode refuses to
 * start with a clear message instead of watching without analysing.
 */
export async function loadAnalyzerFactory(_options: Record<string, unknown>): Promise<AnalyzerFactory> {
  throw new UsageError('live analysis needs the frame pipeline (issue 3), which is not in this build yet');
}
