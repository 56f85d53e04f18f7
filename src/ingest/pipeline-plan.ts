/**
 * A GStreamer pipeline as Mien launches it. The description is Mien's own text only: element
 * names, numbers Mien checked, and words from closed sets. Every value that comes from outside (a
 * path, a URL, an address, caps read from an SDP) travels in `properties` and is set on its
 * element after the description is parsed, so outside text is never read as pipeline syntax.
 */
export interface PipelinePlan {
  /** A gst-launch description that ends with outputChain(). */
  readonly description: string;
  readonly properties: readonly ElementProperty[];
}

/** One value set on a named element of the parsed pipeline. */
export interface ElementProperty {
  readonly element: string;
  readonly name: string;
  readonly value: string;
}

/** The name of the first element of every source pipeline, which the outside values are set on. */
export const SOURCE_ELEMENT = 'mien_source';
