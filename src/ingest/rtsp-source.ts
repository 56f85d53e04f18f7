import { LiveSource, type LiveOptions } from './live-source.js';
import { outputChain, type RateControl } from './output-chain.js';
import { SOURCE_ELEMENT, type PipelinePlan } from './pipeline-plan.js';

export interface RtspSourceOptions extends LiveOptions, RateControl {
  /** rtsp:// or rtsps:// URL; credentials may be in it (rtsp://user:password@camera/stream). */
  readonly url: string;
  /**
   * 'tcp' (default): RTP interleaved in the RTSP connection, lossless, through NAT and firewalls.
   * 'udp': RTP on its own ports, a little less delay, but packets (and so pictures) may be lost.
   */
  readonly transport?: 'tcp' | 'udp';
  /**
   * Jitter buffer in milliseconds. Default 200: enough for cameras on a local network, little
   * delay for live analysis (rtspsrc's own default is 2000). Packets later than this are dropped.
   */
  readonly latencyMs?: number;
}

/** The URL as statuses and errors may show it: the password masked. */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}

/**
 * rtspsrc feeding decodebin (which picks the depayloader and decoder for the stream's codec).
 * Timestamps come from the RTP timestamps alone (buffer-mode=none), so frames keep the sender's
 * spacing rather than the network's jitter. Audio streams go to a sink of their own: an unlinked
 * one would stop rtspsrc with not-linked.
 */
export function rtspSourcePlan(options: Omit<RtspSourceOptions, 'stream'>): PipelinePlan {
  const { url, transport = 'tcp', latencyMs = 200 } = options;
  checkRtspUrl(url);
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- options may come from parsed JSON (config, requests): checked at run time
  if (transport !== 'tcp' && transport !== 'udp') throw new TypeError(`transport must be "tcp" or "udp", got ${JSON.stringify(transport)}`);
  if (!(Number.isInteger(latencyMs) && latencyMs >= 0)) throw new TypeError(`latencyMs must be a whole number of milliseconds, got ${latencyMs}`);
  return {
    description: [
      `rtspsrc name=${SOURCE_ELEMENT} protocols=${transport} latency=${latencyMs} drop-on-latency=true buffer-mode=none`,
      `${SOURCE_ELEMENT}. ! application/x-rtp,media=video ! decodebin ! ${outputChain(options, 'newest')}`,
      `${SOURCE_ELEMENT}. ! application/x-rtp,media=audio ! fakesink sync=false async=false`,
    ].join('  '),
    properties: [{ element: SOURCE_ELEMENT, name: 'location', value: url }],
  };
}

/** Refuses what is not an rtsp:// or rtsps:// URL with a host (TypeError, the password masked). */
export function checkRtspUrl(url: string): void {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    // Reported below, as any other URL that is not RTSP.
  }
  if (!parsed || !/^rtsps?:$/.test(parsed.protocol) || parsed.hostname === '' || /[\s\0]/.test(url)) {
    throw new TypeError(`an RTSP source needs an rtsp:// or rtsps:// URL with a host, got "${redactedUrl(url)}"`);
  }
}

/** A camera or server over RTSP, reconnecting with backoff; see LiveSource. */
export function openRtspSource(options: RtspSourceOptions): LiveSource {
  return new LiveSource(redactedUrl(options.url), rtspSourcePlan(options), options);
}
