import { spawn, type ChildProcess } from 'node:child_process';

/** Sends video as RTP to a UDP port on loopback, in real time, with gst-launch. */
export class RtpSender {
  #process: ChildProcess | undefined;

  private constructor(
    readonly port: number,
    readonly encoding: 'H264' | 'VP8',
    readonly launch: readonly string[],
  ) {}

  /** A file's H.264 video, with the frame timing of its container. */
  static h264File(port: number, file: string): RtpSender {
    return new RtpSender(port, 'H264', ['filesrc', `location=${file}`, '!', 'qtdemux', '!', 'h264parse', '!', 'rtph264pay', 'pt=96', 'config-interval=1']);
  }

  /** A VP8 test pattern at 30 fps; VP8 over RTP carries no frame rate, as from a WebRTC browser. */
  static vp8Pattern(port: number): RtpSender {
    const pattern = ['videotestsrc', 'is-live=true', 'pattern=ball', '!', 'video/x-raw,width=320,height=240,framerate=30/1'];
    return new RtpSender(port, 'VP8', [...pattern, '!', 'vp8enc', 'deadline=1', '!', 'rtpvp8pay', 'pt=96']);
  }

  /** The SDP a receiver needs: what an SFU's RTP forward would announce. */
  get sdp(): string {
    const h264 = this.encoding === 'H264' ? ['a=fmtp:96 packetization-mode=1'] : [];
    return ['v=0', 'o=- 0 0 IN IP4 127.0.0.1', 's=Mien test', 'c=IN IP4 127.0.0.1', 't=0 0', `m=video ${this.port} RTP/AVP 96`, `a=rtpmap:96 ${this.encoding}/90000`, ...h264, ''].join('\r\n');
  }

  start(): void {
    const sink = ['!', 'udpsink', 'host=127.0.0.1', `port=${this.port}`, 'sync=true'];
    this.#process = spawn('gst-launch-1.0', ['-q', ...this.launch, ...sink], { stdio: 'ignore' });
  }

  stop(): void {
    this.#process?.kill('SIGKILL');
    this.#process = undefined;
  }
}
