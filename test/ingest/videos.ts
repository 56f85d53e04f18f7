import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fixture, scratchDir } from '../support/fixtures.js';

/** Every video in the fixtures (../shared/fixtures/video), by path. */
export function fixtureVideos(): string[] {
  const dir = fixture('video');
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => /\.(mp4|flv)$/.test(name))
    .sort()
    .map((name) => join(dir, name));
}

/** Videos made from a fixture with ffmpeg in a scratch directory, for containers the fixtures lack. */
export function madeVideos(): { mpegPs: string; noAudio: string } {
  const dir = scratchDir();
  const source = fixture('video/grid/bbaf2n.mp4');
  const mpegPs = join(dir, 'bbaf2n-mpeg1-mp2.mpg');
  const noAudio = join(dir, 'bbaf2n-no-audio.mp4');
  execFileSync('ffmpeg', ['-v', 'error', '-i', source, '-c:v', 'mpeg1video', '-q:v', '4', '-c:a', 'mp2', '-f', 'mpeg', mpegPs]);
  execFileSync('ffmpeg', ['-v', 'error', '-i', source, '-c:v', 'copy', '-an', noAudio]);
  return { mpegPs, noAudio };
}
