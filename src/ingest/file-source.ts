import { accessSync, constants, statSync } from 'node:fs';
import { defer, map, type Observable } from 'rxjs';
import { VideoFileError } from './errors.js';
import type { Frame } from './frame.js';
import { outputChain, type RateControl } from './output-chain.js';
import { pipelineFrames } from './pipeline-frames.js';
import { SOURCE_ELEMENT, type PipelinePlan } from './pipeline-plan.js';
import type { PullGate } from './pull-gate.js';

export interface FileSourceOptions extends RateControl {
  /** The stream id its frames carry. Default: the path. */
  readonly stream?: string;
  /** Pull the next frame only when the consumer has room (see PullGate). Default: as soon as the last is taken. */
  readonly gate?: PullGate;
}

/**
 * The pipeline for a video file in any container and codec GStreamer decodes. Audio is decoded and
 * dropped in a sink of its own: a demuxer whose audio pad stays unlinked can stall.
 */
export function fileSourcePlan(path: string, rate: RateControl = {}): PipelinePlan {
  return {
    description: [
      `filesrc name=${SOURCE_ELEMENT} ! decodebin name=mien_decode`,
      `mien_decode. ! video/x-raw ! queue ! ${outputChain(rate, 'all')}`,
      'mien_decode. ! audio/x-raw ! queue ! fakesink sync=false async=false',
    ].join('  '),
    properties: [{ element: SOURCE_ELEMENT, name: 'location', value: path }],
  };
}

function checkReadable(path: string): void {
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
    accessSync(path, constants.R_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new VideoFileError(`${path}: ${code === 'ENOENT' ? 'no such file' : `cannot read it (${code ?? (error as Error).message})`}`);
  }
  if (!isFile) throw new VideoFileError(`${path}: not a file`);
}

/**
 * The frames of a video file, decoded as fast as the consumer takes them (GStreamer waits while Node
 * is busy; nothing is dropped but what maxFps asks). Cold: each subscription decodes the file from
 * the start. Completes at the end of the video; errors with VideoFileError, PipelineError (not a
 * video GStreamer can decode) or TruncatedVideoError (after the frames that were there).
 */
export function fileFrames(path: string, options: FileSourceOptions = {}): Observable<Frame> {
  const stream = options.stream ?? path;
  const plan = fileSourcePlan(path, options);
  return defer(() => {
    checkReadable(path);
    return pipelineFrames(plan, { source: path, checkDuration: true, gate: options.gate });
  }).pipe(map(({ width, height, data, pts }, index): Frame => ({ stream, index, pts, width, height, data })));
}
