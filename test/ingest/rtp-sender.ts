import { spawn, type ChildProcess } from 'node:child_process';

/** Sends a file's H.264 video as RTP to a UDP port on loopback, in real time, with gst-launch. */
export class RtpSender {
  #process: ChildProcess | undefined;

  constructor(readonly port: number, readonly file: string) {}

  /** The SDP a receiver needs: what an SFU's RTP forward would announce. */
  get sdp(): string {
    return ['v=0', 'o=- 0 0 IN IP4 127.0.0.1', 's=Mien test', 'c=IN IP4 127.0.0.1', 't=0 0', `m=video ${this.port} RTP/AVP 96`, 'a=rtpmap:96 H264/90000', 'a=fmtp:96 packetization-mode=1', ''].join('\r\n');
  }

  start(): void {
    this.#process = spawn(
      'gst-launch-1.0',
      ['-q', 'filesrc', `location=${this.file}`, '!', 'qtdemux', '!', 'h264parse', '!', 'rtph264pay', 'pt=96', 'config-interval=1', '!', 'udpsink', 'host=127.0.0.1', `port=${this.port}`, 'sync=true'],
      { stdio: 'ignore' },
    );
  }

  stop(): void {
    this.#process?.kill('SIGKILL');
    this.#process = undefined;
  }
}
