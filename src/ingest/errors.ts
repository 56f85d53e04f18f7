/** The GStreamer binding cannot be loaded, or lacks Mien's timing patch. */
export class GStreamerUnavailableError extends Error {
  override name = 'GStreamerUnavailableError';
}

/** GStreamer could not build a pipeline from its description (usually a missing plugin). */
export class PipelineLaunchError extends Error {
  override name = 'PipelineLaunchError';

  constructor(
    /** What the pipeline was for: a file path, a URL, a test pattern. */
    readonly source: string,
    readonly description: string,
    reason: string,
  ) {
    super(`${source}: GStreamer cannot build the pipeline: ${reason} (is a GStreamer plugin missing? scripts/setup installs them)`);
  }
}

/** A GStreamer element reported an error while the pipeline ran. */
export class PipelineError extends Error {
  override name = 'PipelineError';

  constructor(
    readonly source: string,
    /** GStreamer's sentence, e.g. "Could not determine type of stream." */
    readonly reason: string,
    /** The element that failed, as its path in the pipeline. */
    readonly element: string,
    /** GStreamer's debug details (source file, function, specifics). */
    readonly debug: string,
  ) {
    // The debug text's lines after the first (which names the C function) often say what happened.
    const detail = debug.split('\n').slice(1).join(' ').trim();
    super(`${source}: ${reason}${detail === '' ? '' : ` ${detail}`} [GStreamer ${element.split('/').pop() ?? element}]`);
  }
}

/** A file that cannot be a video source: missing, a directory, unreadable. */
export class VideoFileError extends Error {
  override name = 'VideoFileError';
}

/** A video file whose frames end well before its declared duration: cut short in copying or writing. */
export class TruncatedVideoError extends Error {
  override name = 'TruncatedVideoError';

  constructor(
    readonly source: string,
    /** Where the decoded frames end, in seconds. */
    readonly decodedSeconds: number,
    /** The duration the container declares, in seconds. */
    readonly declaredSeconds: number,
  ) {
    super(`${source}: the frames end at ${decodedSeconds.toFixed(2)} s of a declared ${declaredSeconds.toFixed(2)} s: the file is truncated`);
  }
}

/** A frame GStreamer delivered that Mien cannot use (no timestamp, not packed RGB). */
export class FrameFormatError extends Error {
  override name = 'FrameFormatError';
}

/** A live source delivered no frame for too long, so its connection is restarted. */
export class StallError extends Error {
  override name = 'StallError';

  constructor(readonly source: string, readonly silentMs: number) {
    super(`${source}: no frame for ${(silentMs / 1000).toFixed(1)} s`);
  }
}

/** A live source ended its stream (a server stopped sending, a camera hung up). */
export class EndOfStreamError extends Error {
  override name = 'EndOfStreamError';

  constructor(readonly source: string) {
    super(`${source}: the stream ended`);
  }
}

/** An SDP that does not describe a video stream Mien can receive. */
export class SdpError extends Error {
  override name = 'SdpError';
}

/** A WHIP request Mien refuses, with the HTTP status it answers. */
export class WhipRequestError extends Error {
  override name = 'WhipRequestError';

  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** A source as the user wrote it that Mien cannot use (an unknown test pattern, an unreadable SDP file). */
export class SourceSpecError extends Error {
  override name = 'SourceSpecError';
}

/** A picture that cannot be read or decoded, or is too large to decode. */
export class ImageDecodeError extends Error {
  override name = 'ImageDecodeError';
}

/** A path a request names that the media root does not allow: media root off, outside it, malformed, or not there. */
export class MediaPathError extends Error {
  override name = 'MediaPathError';

  constructor(
    readonly problem: 'off' | 'outside' | 'invalid' | 'missing',
    message: string,
  ) {
    super(message);
  }
}
