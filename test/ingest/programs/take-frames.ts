// Takes the first frames of a video, then returns; the process must exit by itself once the
// pipeline is torn down (a running pipeline or a pending pull or bus poll would keep it alive).
import { lastValueFrom, take, toArray } from 'rxjs';
import { fileFrames } from '../../../src/ingest/file-source.js';

const [path, count] = process.argv.slice(2);
const frames = await lastValueFrom(fileFrames(path).pipe(take(Number(count)), toArray()));
console.log(`took ${frames.length} frames`);
