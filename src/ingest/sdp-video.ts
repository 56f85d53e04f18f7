import { isIP } from 'node:net';
import { SdpError } from './errors.js';

/** The first video stream of an SDP description, as a receiver needs it. */
export interface SdpVideo {
  /** UDP port the RTP arrives on. */
  readonly port: number;
  /** The connection address (c=) of the stream, or of the session; undefined when there is none. */
  readonly address: string | undefined;
  readonly payload: number;
  /** Codec name as in a=rtpmap, upper case: H264, VP8, VP9, H265, JPEG... */
  readonly encodingName: string;
  readonly clockRate: number;
  /** The a=fmtp parameters of the payload (sprop-parameter-sets, packetization-mode, ...). */
  readonly parameters: Readonly<Record<string, string>>;
}

/** RFC 3551's static video payload types, which need no a=rtpmap. */
const STATIC_VIDEO_PAYLOADS: Readonly<Record<number, string>> = { 26: 'JPEG', 28: 'NV', 31: 'H261', 32: 'MPV', 33: 'MP2T', 34: 'H263' };

const connectionAddress = (line: string | undefined): string | undefined => line?.split(/\s+/)[2]?.split('/')[0];

/** Reads the first m=video section of an SDP; throws SdpError with what is missing. */
export function sdpVideo(sdp: string): SdpVideo {
  const lines = sdp.split(/\r?\n/).map((line) => line.trim());
  const start = lines.findIndex((line) => line.startsWith('m=video '));
  if (start < 0) throw new SdpError('the SDP describes no video stream (no m=video line)');
  const end = lines.findIndex((line, i) => i > start && line.startsWith('m='));
  const section = lines.slice(start, end < 0 ? undefined : end);
  const session = lines.slice(0, lines.findIndex((line) => line.startsWith('m=')));

  const [, portText, protocol, payloadText] = section[0].split(/\s+/) as (string | undefined)[];
  const port = Number(portText);
  const payload = Number(payloadText);
  if (!(Number.isInteger(port) && port > 0 && port < 65536)) throw new SdpError(`the SDP's video stream has no usable port: "${section[0]}"`);
  if (!/^RTP\/S?AVPF?$/.test(protocol ?? '')) throw new SdpError(`the SDP's video stream is ${protocol}, not plain RTP (RTP/AVP): "${section[0]}"`);
  if (!(Number.isInteger(payload) && payload >= 0 && payload < 128)) throw new SdpError(`the SDP's video stream names no payload type: "${section[0]}"`);

  const attribute = (name: string): string | undefined =>
    section.find((line) => line.startsWith(`a=${name}:${payload} `))?.slice(`a=${name}:${payload} `.length);
  const rtpmap = attribute('rtpmap');
  const [encoding, clock] = (rtpmap?.split('/') ?? [STATIC_VIDEO_PAYLOADS[payload], '90000']) as (string | undefined)[];
  if (encoding === undefined) throw new SdpError(`the SDP's video payload type ${payload} has no a=rtpmap line`);
  const parameters = Object.fromEntries(
    (attribute('fmtp') ?? '')
      .split(';')
      .map((pair) => pair.trim())
      .filter((pair) => pair.includes('='))
      .map((pair) => [pair.slice(0, pair.indexOf('=')).trim(), pair.slice(pair.indexOf('=') + 1).trim()]),
  );
  const address = connectionAddress(section.find((line) => line.startsWith('c='))) ?? connectionAddress(session.find((line) => line.startsWith('c=')));
  if (address !== undefined && isIP(address) === 0) throw new SdpError(`the SDP's connection address is not an IP address: "${address}"`);
  if (!TOKEN.test(encoding)) throw new SdpError(`the SDP's video encoding name is not a codec name: "${encoding}"`);
  const clockRate = Number(clock);
  if (!(Number.isInteger(clockRate) && clockRate > 0)) throw new SdpError(`the SDP's video clock rate is not a whole number of hertz: "${clock}"`);
  for (const [key, value] of Object.entries(parameters)) {
    // eslint-disable-next-line no-control-regex -- control characters are what this looks for
  if (!TOKEN.test(key) || /[\0-\x1f\x7f]/.test(value)) throw new SdpError(`the SDP's a=fmtp parameter "${key}" is not a name=value pair of printable text`);
  }
  return { port, address, payload, encodingName: encoding.toUpperCase(), clockRate, parameters };
}

/** Codec names and fmtp parameter names: RFC 4566's token, narrowed to what codecs use. */
const TOKEN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
