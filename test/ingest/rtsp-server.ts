import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('./programs/rtsp-server.py', import.meta.url));

/** A TCP port free on loopback right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** A real RTSP server (gst-rtsp-server in Debian's python3) serving one file at /clip. */
export class RtspServer {
  readonly url: string;
  #process: ChildProcess | undefined;

  constructor(readonly port: number, readonly file: string) {
    this.url = `rtsp://127.0.0.1:${port}/clip`;
  }

  /** Starts the server and resolves once it listens. */
  start(): Promise<void> {
    const child = spawn('/usr/bin/python3', [SCRIPT, String(this.port), this.file], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.#process = child;
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    return new Promise((resolve, reject) => {
      child.stdout?.once('data', () => resolve());
      child.once('exit', (code) => reject(new Error(`the RTSP server exited (${code}): ${stderr}`)));
    });
  }

  /** Kills it as a crash would: no goodbye to clients. */
  kill(): void {
    this.#process?.kill('SIGKILL');
    this.#process = undefined;
  }

  /** Freezes it: connections stay open, nothing is sent. */
  pause(): void {
    this.#process?.kill('SIGSTOP');
  }

  resume(): void {
    this.#process?.kill('SIGCONT');
  }
}
