import { LiveSource, type LiveOptions } from './live-source.js';
import { outputChain, type RateControl } from './output-chain.js';
import type { PipelinePlan } from './pipeline-plan.js';
import { isTestPattern, TEST_PATTERNS, type TestPattern } from './test-patterns.js';


export interface TestPatternOptions extends LiveOptions, RateControl {
  /** Default 'ball'. */
  readonly pattern?: TestPattern;
  /** Default 640. */
  readonly width?: number;
  /** Default 480. */
  readonly height?: number;
  /** Frames per second the pattern is made at, in real time. Default 30. */
  readonly fps?: number;
  /** End each run after this many frames, as a camera that hangs up would. Default: never. */
  readonly framesPerRun?: number;
}

function positiveInteger(name: string, value: number): number {
  if (!(Number.isInteger(value) && value >= 1)) throw new TypeError(`${name} must be a positive integer, got ${value}`);
  return value;
}

export function testPatternPlan(options: Omit<TestPatternOptions, 'stream'>): PipelinePlan {
  const { pattern = 'ball', width = 640, height = 480, fps = 30, framesPerRun } = options;
  if (!isTestPattern(pattern)) throw new TypeError(`pattern must be one of ${TEST_PATTERNS.join(', ')}, got ${JSON.stringify(pattern)}`);
  const frames = framesPerRun === undefined ? '' : ` num-buffers=${positiveInteger('framesPerRun', framesPerRun)}`;
  const caps = `video/x-raw,width=${positiveInteger('width', width)},height=${positiveInteger('height', height)},framerate=${positiveInteger('fps', fps)}/1`;
  return { description: `videotestsrc is-live=true pattern=${pattern}${frames} ! ${caps} ! ${outputChain(options, 'newest')}`, properties: [] };
}

/** A live test pattern, made in real time like a camera: for trying out and testing live handling. */
export function openTestPatternSource(options: TestPatternOptions): LiveSource {
  return new LiveSource(`test pattern ${options.pattern ?? 'ball'}`, testPatternPlan(options), options);
}
