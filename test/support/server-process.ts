import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface ServerProcess {
  readonly process: ChildProcess;
  readonly url: string;
  /** Everything it wrote to stderr so far. */
  readonly stderr: () => string;
}

/** `mien serve` from the sources, as its own process; resolves once it listens. */
export async function startServerProcess(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const serving = /serving on (http:\/\/\S+)/.exec(stderr);
      if (serving) resolve(serving[1]);
    });
    child.once('exit', (code) => reject(new Error(`mien serve exited with ${code}:\n${stderr}`)));
  });
  return { process: child, url, stderr: () => stderr };
}

/** Stops it with `signal` (SIGTERM: a clean stop; SIGKILL: a crash) and waits until it is gone. */
export async function stopServerProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  await exited;
}
