import { randomUUID } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { RTCPeerConnection, useH264, useVP8, type MediaStreamTrack, type RTCRtpTransceiver } from 'werift';
import { WhipRequestError } from './errors.js';
import { LiveSource, type LiveOptions } from './live-source.js';
import type { RateControl } from './output-chain.js';
import { openRtpSource } from './rtp-source.js';

export interface WhipSessionOptions extends Omit<LiveOptions, 'stream'>, RateControl {
  /**
   * Addresses offered as ICE host candidates besides the machine's interfaces: ['127.0.0.1'] lets
   * a browser on the same machine publish over loopback. Default: none.
   */
  readonly iceAdditionalHostAddresses?: readonly string[];
}

/** How often to ask the publisher for a keyframe while no frame flows (a pipeline that (re)starts needs one). */
const KEYFRAME_REQUEST_MS = 1000;

function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createSocket('udp4');
    probe.once('error', reject);
    probe.bind(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

function whenGathered(pc: RTCPeerConnection): Promise<void> {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const { unSubscribe } = pc.iceGatheringStateChange.subscribe((state) => {
      if (state !== 'complete') return;
      unSubscribe();
      resolve();
    });
  });
}

/**
 * One WebRTC publisher (a WHIP session): a werift peer connection receiving its video, forwarding
 * the RTP over loopback UDP to an RTP LiveSource (GStreamer), and asking for keyframes while that
 * source waits for frames. Audio is refused in the answer.
 */
export class WhipSession {
  readonly id = randomUUID();
  readonly #pc: RTCPeerConnection;
  readonly #socket: Socket;
  readonly #source: LiveSource;
  readonly #keyframeTimer: NodeJS.Timeout;
  #closed = false;

  private constructor(pc: RTCPeerConnection, socket: Socket, source: LiveSource, video: RTCRtpTransceiver, port: number) {
    this.#pc = pc;
    this.#socket = socket;
    this.#source = source;
    let ssrc: number | undefined;
    const forward = (track: MediaStreamTrack): void => {
      track.onReceiveRtp.subscribe((rtp) => {
        ssrc = rtp.header.ssrc;
        if (!this.#closed) socket.send(rtp.serialize(), port, '127.0.0.1');
      });
    };
    // The offer's track exists already (made while applying it); a later one would come by onTrack.
    video.receiver.tracks.forEach(forward);
    video.onTrack.subscribe(forward);
    this.#keyframeTimer = setInterval(() => {
      if (ssrc !== undefined && source.currentStatus.state !== 'playing') void video.receiver.sendRtcpPLI(ssrc);
    }, KEYFRAME_REQUEST_MS);
    pc.connectionStateChange.subscribe((state) => {
      if (state === 'failed' || state === 'closed') this.close(`the publisher's connection ${state}`);
    });
  }

  /**
   * Answers a publisher's SDP offer (whole, ICE candidates included: no trickle). Throws
   * WhipRequestError(400) for an offer that is not SDP or has no video.
   */
  static async answer(stream: string, offer: string, options: WhipSessionOptions): Promise<{ session: WhipSession; answer: string }> {
    if (!offer.startsWith('v=0')) throw new WhipRequestError(400, 'the offer is not SDP: an SDP description starts with "v=0"');
    const pc = new RTCPeerConnection({
      iceServers: [],
      iceAdditionalHostAddresses: options.iceAdditionalHostAddresses ? [...options.iceAdditionalHostAddresses] : undefined,
      codecs: { audio: [], video: [useVP8(), useH264()] },
    });
    try {
      await pc.setRemoteDescription({ type: 'offer', sdp: offer });
    } catch (error) {
      await pc.close();
      throw new WhipRequestError(400, `the offer is not an SDP offer werift can answer: ${(error as Error).message}`);
    }
    const video = pc.getTransceivers().find((t) => t.kind === 'video');
    const codec = video?.codecs[0];
    if (video === undefined || codec === undefined) {
      await pc.close();
      throw new WhipRequestError(400, 'the offer has no video Mien can receive (VP8 or H.264)');
    }
    video.setDirection('recvonly');
    await pc.setLocalDescription(await pc.createAnswer());
    await whenGathered(pc);

    const port = await freeUdpPort();
    const encoding = codec.mimeType.split('/')[1].toUpperCase();
    const sdp = [
      'v=0',
      'o=- 0 0 IN IP4 127.0.0.1',
      `s=WHIP ${stream}`,
      'c=IN IP4 127.0.0.1',
      't=0 0',
      `m=video ${port} RTP/AVP ${codec.payloadType}`,
      `a=rtpmap:${codec.payloadType} ${encoding}/${codec.clockRate}`,
      ...(codec.parameters ? [`a=fmtp:${codec.payloadType} ${codec.parameters}`] : []),
      '',
    ].join('\r\n');
    const source = openRtpSource({ ...options, stream, sdp, listenAddress: '127.0.0.1' });
    const session = new WhipSession(pc, createSocket('udp4'), source, video, port);
    return { session, answer: pc.localDescription?.sdp ?? '' };
  }

  /** The publisher's frames and health; stopped when the session closes. */
  get source(): LiveSource {
    return this.#source;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Ends the session: peer connection, forwarding and source. Safe to call more than once. */
  close(reason = 'the publisher ended the session'): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#keyframeTimer);
    this.#source.close(reason);
    this.#socket.close();
    void this.#pc.close();
  }
}
