import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { FaceCore, type LocatedFace } from '../../face/analyzer.js';
import { expressionEmbedding } from '../../expression/embedding.js';
import { parseFecCsv, TRIPLET_TYPES } from '../../expression/fec.js';
import { describeFacesInBoxes, findFecFaces, scoreFecFaces } from '../../expression/fec-evaluation.js';
import { readImageFile } from '../../ingest/image-file.js';
import { openModels } from '../../models/index.js';
import { CliError, type Command } from '../command.js';
import { formatJson } from '../json.js';

export const evalFecCommand: Command = {
  name: 'eval-fec',
  summary: 'triplet accuracy of the expression embedding on FEC-format triplets (CSV)',
  usage: [
    'Usage: mien eval-fec CSV [--images DIR] [--json]',
    '',
    'Reads Google\'s FEC CSV as published (three image URLs each followed by its box, the triplet',
    'type, then annotator/annotation pairs), or the same rows with local paths. URLs resolve to',
    'files under DIR by file name, local paths relative to DIR. Each face is cut out by its box and',
    'aligned; a triplet is right when the pair the annotators\' majority calls similar is closer',
    'than both other pairs. Rows with missing pictures, no face or tied annotators are skipped and',
    'counted; rows that do not parse are reported by line number.',
    '',
    '  --images DIR   where the pictures are (default: the CSV\'s folder)',
    '  --json         print {"accuracy", "perType": {TYPE: {"accuracy", "n"}}, "rows", "skipped", ...}',
  ].join('\n'),
  async run(argv) {
    const { positionals, values } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { images: { type: 'string' }, json: { type: 'boolean', default: false } },
    });
    if (positionals.length !== 1) throw new CliError(`expected one CSV, got ${positionals.length}\n\n${this.usage}`, 2);
    const [csvPath] = positionals;
    const text = await readFile(csvPath, 'utf8').catch((error: NodeJS.ErrnoException) => {
      throw new CliError(`${csvPath}: cannot read (${error.code ?? error.message})`);
    });
    const { triplets, errors } = parseFecCsv(text);
    for (const { line, message } of errors) console.error(`mien: ${csvPath}:${line}: skipped, ${message}`);
    const models = await openModels();
    try {
      const core = new FaceCore(models);
      const embedFaces = async (located: LocatedFace[]): Promise<Float32Array[]> => (await core.expressions(located)).map((outputs) => expressionEmbedding(outputs));
      const faces = await findFecFaces(triplets, values.images ?? dirname(csvPath), describeFacesInBoxes(core, readImageFile, embedFaces));
      const score = scoreFecFaces(faces.triplets, (embedding) => embedding);
      const { missingImage, noFace, noMajority } = faces.skipped;
      const skipped = missingImage + noFace + noMajority;
      if (values.json) {
        console.log(formatJson({ ...score, skipped, skippedBecause: faces.skipped, malformed: errors }));
      } else {
        console.log(`triplet accuracy ${score.accuracy.toFixed(3)} on ${score.rows} triplets`);
        for (const type of TRIPLET_TYPES) {
          const t = score.perType[type];
          if (t) console.log(`  ${type.padEnd(20)} ${t.accuracy.toFixed(3)}  n=${t.n}`);
        }
        console.log(`skipped ${skipped}: ${missingImage} with a missing picture, ${noFace} with no face in a box, ${noMajority} with tied annotators`);
        if (errors.length > 0) console.log(`malformed rows: ${errors.length} (lines ${errors.map((e) => e.line).join(', ')})`);
      }
      return 0;
    } finally {
      await models.close();
    }
  },
};
