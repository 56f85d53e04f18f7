// Opens a live test pattern, takes a few frames, closes it; the process must then exit by itself.
import { firstValueFrom, take, toArray } from 'rxjs';
import { openTestPatternSource } from '../../../src/ingest/test-pattern-source.js';

const source = openTestPatternSource({ stream: 'pattern', width: 160, height: 120 });
const frames = await firstValueFrom(source.frames.pipe(take(5), toArray()));
source.close();
console.log(`took ${frames.length} frames, then ${source.currentStatus.state}`);
