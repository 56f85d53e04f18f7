import { isIP } from 'node:net';
import { LiveSource, type LiveOptions } from './live-source.js';
import { outputChain, type RateControl } from './output-chain.js';
import { SOURCE_ELEMENT, type PipelinePlan } from './pipeline-plan.js';
import { sdpVideo, type SdpVideo } from './sdp-video.js';

export interface RtpSourceOptions extends LiveOptions, RateControl {
  /**
   * The SDP describing the RTP that arrives (from a mediasoup PlainTransport, an SFU's RTP forward,
   * ffmpeg -f rtp...). Its first m=video stream is received; other streams are not listened to.
   */
  readonly sdp: string;
  /** Local address to receive on when the SDP's address is not multicast. Default '0.0.0.0'. */
  readonly listenAddress?: string;
  /** Jitter buffer in milliseconds; later packets are dropped. Default 200. */
  readonly latencyMs?: number;
}

const isMulticast = (address: string | undefined): boolean => /^(22[4-9]|23\d)\./.test(address ?? '') || /^ff/i.test(address ?? '');

/** A caps field value in GStreamer's caps syntax: a quoted string, escaped. */
const capsString = (value: string): string => `(string)"${value.replace(/[\\"]/g, '\\$&')}"`;

/** The RTP caps that tell decodebin which depayloader and decoder the stream needs. */
export function rtpCaps(video: SdpVideo): string {
  return [
    'application/x-rtp',
    'media=(string)video',
    `payload=(int)${video.payload}`,
    `clock-rate=(int)${video.clockRate}`,
    `encoding-name=${capsString(video.encodingName)}`,
    ...Object.entries(video.parameters).map(([key, value]) => `${key}=${capsString(value)}`),
  ].join(',');
}

/**
 * udpsrc on the SDP's port, a jitter buffer timing frames by their RTP timestamps alone (mode=none),
 * then decodebin. A 4 MB socket buffer holds a keyframe burst at high bitrates.
 */
export function rtpSourcePlan(options: Omit<RtpSourceOptions, 'stream'>): PipelinePlan {
  const video = sdpVideo(options.sdp);
  const { listenAddress = '0.0.0.0', latencyMs = 200 } = options;
  if (!(Number.isInteger(latencyMs) && latencyMs >= 0)) throw new TypeError(`latencyMs must be a whole number of milliseconds, got ${latencyMs}`);
  if (isIP(listenAddress) === 0) throw new TypeError(`listenAddress must be an IP address, got ${JSON.stringify(listenAddress)}`);
  const address = isMulticast(video.address) ? (video.address as string) : listenAddress;
  return {
    description: [
      `udpsrc name=${SOURCE_ELEMENT} port=${video.port} buffer-size=4194304`,
      `rtpjitterbuffer mode=none latency=${latencyMs} drop-on-latency=true`,
      'decodebin',
      outputChain(options, 'newest'),
    ].join(' ! '),
    properties: [
      { element: SOURCE_ELEMENT, name: 'address', value: address },
      { element: SOURCE_ELEMENT, name: 'caps', value: rtpCaps(video) },
    ],
  };
}

/** RTP described by an SDP, e.g. forwarded by an SFU; reconnecting (rebinding) after silences. */
export function openRtpSource(options: RtpSourceOptions): LiveSource {
  const video = sdpVideo(options.sdp);
  return new LiveSource(`RTP ${video.encodingName} on port ${video.port}`, rtpSourcePlan(options), options);
}
