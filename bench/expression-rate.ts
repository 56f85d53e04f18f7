/**
 * What measuring expressions less often costs in tagging (AnalysisOptions.expressionRate): the
 * CREMA-D man's six segments at 10 analysed frames per second, a London smile (002_08) as the
 * reference, as in test/operators/analysis-pipeline.test.ts; per rate, the share of each segment's
 * accepted faces inside a smile tag segment, the expression measurements made, and how often the
 * face events' top expression matches the run that measures every face.
 *
 *   npx tsx bench/expression-rate.ts [--rates 5,2,1]
 */
import { parseArgs } from 'node:util';
import { lastValueFrom, toArray } from 'rxjs';
import type { FaceEvent, MienEvent, TagEndEvent } from '../src/events/events.js';
import { ExpressionSpace } from '../src/expression/expression-space.js';
import { POPULATION_REST_START } from '../src/expression/relative-embedding.js';
import { referenceFace } from '../src/expression/reference-face.js';
import { FaceCore } from '../src/face/analyser.js';
import { readImageFile } from '../src/ingest/image-file.js';
import { openModels } from '../src/models/index.js';
import type { InferenceRun } from '../src/models/session.js';
import { ExpressionAnalysis } from '../src/operators/analysis-pipeline.js';
import { cremadSegments, ffmpegFrames, fixture } from '../test/support/fixtures.js';

const { values } = parseArgs({ options: { rates: { type: 'string', default: '5,2,1' } } });
const rates: (number | undefined)[] = [undefined, ...values.rates.split(',').map(Number)];
let expressionRuns = 0;
const models = await openModels({}, { log: () => {}, onInference: (run: InferenceRun) => (expressionRuns += run.model === 'fr_expression.onnx' ? run.batch : 0) });
const core = new FaceCore(models);
const space = ExpressionSpace.of(core);
const reference = await referenceFace(space, await readImageFile(fixture('faces/london/002_08.jpg')), { rest: { kind: 'population', rest: POPULATION_REST_START } });
const video = 'video/cremad-1001-six-emotions.mp4';
const segments = cremadSegments();

let everyFace: FaceEvent[] = [];
console.log(`rate       measured  top = every-face  ${segments.map((s) => s.emotion.padStart(8)).join('')}   (share of each segment's accepted faces tagged "smile")`);
for (const rate of rates) {
  const analysis = new ExpressionAnalysis(core, () => [{ id: 1, tags: ['smile'], embedding: reference.embedding }], rate === undefined ? {} : { expressionRate: rate });
  expressionRuns = 0;
  const events: MienEvent[] = await lastValueFrom(ffmpegFrames(fixture(video), 10).pipe(analysis.events(), toArray()));
  const faces = events.filter((e): e is FaceEvent => e.kind === 'face');
  if (rate === undefined) everyFace = faces;
  const tags = events.filter((e): e is TagEndEvent => e.kind === 'tag-end' && e.tag === 'smile');
  const tagged = (pts: number) => tags.some((t) => pts >= t.startPts && pts <= t.pts);
  const shares = segments.map(({ start, end }) => {
    const inside = faces.filter((f) => f.pts >= start && f.pts < end && f.accepted);
    return inside.filter((f) => tagged(f.pts)).length / Math.max(1, inside.length);
  });
  const same = faces.filter((f, i) => f.expression === everyFace[i]?.expression).length / faces.length;
  const label = rate === undefined ? 'every face' : `${rate}/s`;
  console.log(`${label.padEnd(10)} ${String(expressionRuns).padStart(8)}  ${`${(100 * same).toFixed(1)}%`.padStart(16)}  ${shares.map((s) => `${(100 * s).toFixed(0)}%`.padStart(8)).join('')}`);
}
await models.close();
