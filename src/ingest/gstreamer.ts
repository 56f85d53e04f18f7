import { createRequire } from 'node:module';
import type * as Binding from 'gstreamer-superficial';
import { GStreamerUnavailableError } from './errors.js';

export type GStreamer = typeof Binding;

// A native addon: ESM cannot import .node files, so it comes through require.
const require = createRequire(import.meta.url);
let binding: GStreamer | undefined;

/** The GStreamer binding, loaded (and GStreamer initialised) on first use. */
export function gstreamer(): GStreamer {
  if (binding === undefined) {
    try {
      binding = require('gstreamer-superficial') as GStreamer;
    } catch (error) {
      throw new GStreamerUnavailableError(
        `the GStreamer binding (gstreamer-superficial) does not load: ${(error as Error).message}; scripts/setup installs GStreamer and builds it`,
      );
    }
  }
  return binding;
}
