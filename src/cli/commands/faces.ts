import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { readImageFile } from '../../ingest/image-file.js';
import { EXPRESSION_LABELS } from '../../models/expression.js';
import { AnalysisRuntime } from '../../runtime/analysis-runtime.js';
import { writeOverlayPng } from '../../render/overlay.js';
import type { Command } from '../command.js';
import { CliError } from '../errors.js';
import { DEMO_PICTURE } from '../options.js';
import { analyseImage, type ImageAnalysis } from '../image-analysis.js';
import { formatJson } from '../json.js';


const round = (v: number, digits: number): number => Number(v.toFixed(digits));

export const facesCommand: Command = {
  name: 'faces',
  summary: 'find every face in a picture: box, landmarks, FaceQA verdict, pose, expression',
  usage: [
    'Usage: mien faces [IMAGE] [--draw OUT.png] [--embeddings]',
    '',
    'Prints JSON: {"faces": [{"box", "score", "landmarks5", "quality": {"sharpness", "yaw", "pitch",',
    '"roll", "accepted", "reasons", "hopenet"}, "expression": {"top", "probabilities"}}]}.',
    'Without IMAGE, analyses the built-in demo picture (NASA astronaut portrait, public domain).',
    '',
    '  --draw OUT.png   also write the picture with boxes, landmarks and verdicts drawn on it',
    '  --embeddings     add each face\'s identity (512-d) and expression embedding',
  ].join('\n'),
  async run(argv, settings) {
    const { positionals, values } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { draw: { type: 'string' }, embeddings: { type: 'boolean', default: false } },
    });
    if (positionals.length > 1) throw new CliError(`expected one IMAGE, got ${positionals.length}\n\n${this.usage}`, 2);
    let path = positionals[0] as string | undefined;
    if (path === undefined) {
      if (!existsSync(DEMO_PICTURE)) throw new CliError('no IMAGE given and the demo picture is missing; run scripts/setup');
      console.error(`mien: no IMAGE given, analysing the built-in demo picture ${DEMO_PICTURE}`);
      path = DEMO_PICTURE;
    }
    const image = await readImageFile(path).catch((caught: unknown) => {
      const error = caught as Error;
      throw new CliError(error.message);
    });
    const runtime = await AnalysisRuntime.open(settings);
    try {
      const faces = await analyseImage(runtime.space, image, { embeddings: values.embeddings });
      console.log(formatJson({ image: { path, width: image.width, height: image.height }, faces: faces.map(toJson) }));
      if (values.draw) {
        await writeOverlayPng(image, faces.map(toOverlay), values.draw);
        console.error(`mien: wrote ${values.draw}`);
      }
      return 0;
    } finally {
      await runtime.close();
    }
  },
};

function toJson(f: ImageAnalysis): Record<string, unknown> {
  const { quality, expression } = f;
  const probabilities = Object.fromEntries(EXPRESSION_LABELS.map((label, i) => [label, round(expression.probabilities[i], 4)]));
  return {
    box: f.box.map((v) => round(v, 1)),
    score: round(f.score, 4),
    landmarks5: f.landmarks5.map(([x, y]) => [round(x, 1), round(y, 1)]),
    quality: {
      sharpness: round(quality.sharpness, 2),
      yaw: round(quality.yaw, 1),
      pitch: round(quality.pitch, 1),
      roll: round(quality.roll, 1),
      accepted: quality.accepted,
      reasons: quality.reasons,
      hopenet: { yaw: round(f.hopenet.yaw, 1), pitch: round(f.hopenet.pitch, 1), roll: round(f.hopenet.roll, 1) },
    },
    expression: { top: f.top.map(([label, p]) => [label, round(p, 4)]), probabilities },
    ...(f.identityEmbedding && { identityEmbedding: Array.from(f.identityEmbedding, (v) => round(v, 6)) }),
    ...(f.expressionEmbedding && { expressionEmbedding: Array.from(f.expressionEmbedding, (v) => round(v, 6)) }),
  };
}

function toOverlay(f: ImageAnalysis): Parameters<typeof writeOverlayPng>[1][number] {
  const verdict = f.quality.accepted ? 'ok' : f.quality.reasons.join('+');
  return {
    box: f.box,
    points: f.landmarks5,
    accepted: f.quality.accepted,
    caption: `${f.top[0][0]} ${Math.round(f.top[0][1] * 100)}% · ${verdict} · yaw ${Math.round(f.quality.yaw)}°`,
  };
}
