/**
 * The part of gstreamer-superficial 1.7.4 (a CommonJS native addon without types) that Mien uses,
 * as patched by patches/gstreamer-superficial+1.7.4.patch (the pull callback's third argument).
 */
declare module 'gstreamer-superficial' {
  /**
   * A GstStructure (caps, bus message) as the binding converts it: strings, numbers and booleans
   * as themselves, fractions and 64-bit integers as strings ("30000/1001"), other types left out.
   */
  export interface Structure {
    readonly name: string;
    readonly [field: string]: unknown;
  }

  /** A buffer's timing in nanoseconds (added by Mien's patch); null where the buffer has none. */
  export interface SampleTiming {
    readonly pts: number | null;
    readonly duration: number | null;
    /** The PTS mapped through the sample's segment: the position in the stream, as ffprobe shows it. */
    readonly streamTime: number | null;
  }

  /**
   * Called once per pull: with a sample, or with a null buffer (and empty caps) when the appsink is
   * at end-of-stream, flushing or stopped.
   */
  export type PullCallback = (buffer: Buffer | null, caps: Partial<Structure>, timing: SampleTiming) => void;

  /**
   * An element of a pipeline; its GObject properties are readable and writable as fields (a string
   * set on a GstCaps property is parsed as caps; a property the element lacks is ignored).
   */
  export interface Element {
    [property: string]: unknown;
  }

  export interface AppSink extends Element {
    /** Waits for the next sample on a libuv threadpool thread, then calls back on the main thread. */
    pull(callback: PullCallback): void;
  }

  export interface BusMessage {
    /** GST_MESSAGE_TYPE_NAME ("error", "eos", ...), unless the message's own fields hold a `type`. */
    readonly type: string;
    /** The posting element's name. */
    readonly _src_element_name: string;
    /** For errors: the posting element's path, e.g. /GstPipeline:pipeline0/GstFileSrc:filesrc0. */
    readonly name?: string;
    /** For errors: the GError's message. */
    readonly message?: string;
    /** For errors and warnings: GStreamer's debug details. */
    readonly debug?: string;
    readonly [field: string]: unknown;
  }

  export class Pipeline {
    /** Parses a gst-launch description; throws an Error with GStreamer's message when it cannot. */
    constructor(description: string);
    play(): void;
    /** Sets the pipeline to NULL: streaming stops, pending pulls return null, bus polling ends. */
    stop(): void;
    /** Duration in seconds, or -1 when unknown. */
    queryDuration(): number;
    findChild(name: string): Element | undefined;
    /** Calls back for every bus message until the pipeline is stopped; holds a threadpool thread. */
    pollBus(callback: (message: BusMessage) => void): void;
  }
}
