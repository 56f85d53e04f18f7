import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import type { LocatedFace } from '../../face/analyser.js';
import type { ExpressionSpace, MeasuredExpression } from '../../expression/expression-space.js';
import { parseFecCsv, TRIPLET_TYPES } from '../../expression-lab/fec.js';
import { describeFacesInBoxes, findFecFaces, restsByPerson, scoreFecFaces } from '../../expression-lab/fec-evaluation.js';
import { POPULATION_REST_START } from '../../expression/relative-embedding.js';
import { IDENTITY_DEFAULTS } from '../../operators/analysis-pipeline.js';
import { readImageFile } from '../../ingest/image-file.js';
import { AnalysisRuntime } from '../../runtime/analysis-runtime.js';
import type { Command } from '../command.js';
import { CliError } from '../errors.js';
import { formatJson } from '../json.js';

export const evalFecCommand: Command = {
  name: 'eval-fec',
  summary: 'triplet accuracy of the expression embedding on FEC-format triplets (CSV)',
  usage: [
    'Usage: mien eval-fec CSV [--images DIR] [--people] [--json]',
    '',
    'Reads Google\'s FEC CSV as published (three image URLs each followed by its box, the triplet',
    'type, then annotator/annotation pairs), or the same rows with local paths. URLs resolve to',
    'files under DIR by file name, local paths relative to DIR. Each face is cut out by its box and',
    'aligned; a triplet is right when the pair the annotators\' majority calls similar is closer',
    'than both other pairs. Rows with missing pictures, no face or tied annotators are skipped and',
    'counted; rows that do not parse are reported by line number.',
    '',
    'Where the expression embedding is relative (MediaPipe\'s Face Landmarker provisioned), each face',
    'is read against the resting face of people in general, as a photo of someone never seen is.',
    '',
    '  --images DIR   where the pictures are (default: the CSV\'s folder)',
    '  --people       group the faces into people as the live clustering does (identity embeddings,',
    '                 no labels) and read each face against its person\'s resting face, estimated from',
    '                 their faces in the CSV as live (their median), as a tracked person\'s are',
    '  --json         print {"accuracy", "perType": {TYPE: {"accuracy", "n"}}, "rows", "skipped", ...}',
  ].join('\n'),
  async run(argv, settings) {
    const { positionals, values } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { images: { type: 'string' }, people: { type: 'boolean', default: false }, json: { type: 'boolean', default: false } },
    });
    if (positionals.length !== 1) throw new CliError(`expected one CSV, got ${positionals.length}\n\n${this.usage}`, 2);
    const [csvPath] = positionals;
    const text = await readFile(csvPath, 'utf8').catch((caught: unknown) => {
      const error = caught as NodeJS.ErrnoException;
      throw new CliError(`${csvPath}: cannot read (${error.code ?? error.message})`);
    });
    const { triplets, errors } = parseFecCsv(text);
    for (const { line, message } of errors) console.error(`mien: ${csvPath}:${line}: skipped, ${message}`);
    const runtime = await AnalysisRuntime.open(settings);
    try {
      const { core, space } = runtime;
      const describe = async (located: LocatedFace[]): Promise<Described[]> => {
        const [measured, identities] = await Promise.all([space.measure(located), values.people ? core.identities(located) : []]);
        return measured.map((m, i) => ({ measured: m, identity: identities[i] }));
      };
      const faces = await findFecFaces(triplets, values.images ?? dirname(csvPath), describeFacesInBoxes(core, readImageFile, describe));
      const embedding = embeddingsOf(space, faces.triplets.flatMap((t) => t.faces), values.people);
      const score = scoreFecFaces(faces.triplets, (face) => embedding.get(face)!);
      const { missingImage, noFace, noMajority } = faces.skipped;
      const skipped = missingImage + noFace + noMajority;
      if (values.json) {
        console.log(formatJson({ ...score, embedding: space.kind.name, mode: values.people ? 'people' : 'raw', skipped, skippedBecause: faces.skipped, malformed: errors }));
      } else {
        console.log(`triplet accuracy ${score.accuracy.toFixed(3)} on ${score.rows} triplets (${space.kind.name}${values.people ? ', each face against its person\'s resting face' : ''})`);
        for (const type of TRIPLET_TYPES) {
          const t = score.perType[type];
          if (t) console.log(`  ${type.padEnd(20)} ${t.accuracy.toFixed(3)}  n=${t.n}`);
        }
        console.log(`skipped ${skipped}: ${missingImage} with a missing picture, ${noFace} with no face in a box, ${noMajority} with tied annotators`);
        if (errors.length > 0) console.log(`malformed rows: ${errors.length} (lines ${errors.map((e) => e.line).join(', ')})`);
      }
      return 0;
    } finally {
      await runtime.close();
    }
  },
};

/** One face of the triplets, measured; with its identity embedding in the people mode. */
interface Described {
  readonly measured: MeasuredExpression;
  readonly identity: Float32Array | undefined;
}

/** Each distinct face's embedding: alone (against the population's rest in a relative space), or against its person's. */
function embeddingsOf(space: ExpressionSpace, all: readonly Described[], people: boolean): Map<Described, Float32Array> {
  const faces = [...new Set(all)];
  if (!space.relative) return new Map(faces.map((f) => [f, space.embed(f.measured)]));
  const population = Float32Array.from(POPULATION_REST_START);
  const rests = people
    ? restsByPerson(faces.map((f) => ({ features: f.measured.features!, identity: f.identity! })), population, IDENTITY_DEFAULTS.eps).rests
    : faces.map(() => population);
  return new Map(faces.map((f, i) => [f, space.embed(f.measured, rests[i])]));
}
