import type { FaceCore } from '../face/analyzer.js';
import { expressionEmbedding } from '../expression/embedding.js';
import type { FrameAnalysis } from './frame-analysis.js';

/** The expression step: runs the expression model on every accepted face of a batch (one batched call) and embeds it. */
export function expressionEmbedder(core: FaceCore): (batch: readonly FrameAnalysis[]) => Promise<FrameAnalysis[]> {
  return async (batch) => {
    const accepted = batch.flatMap((r) => r.faces.filter((f) => f.face.quality.accepted));
    const outputs = await core.expressions(accepted.map((f) => f.face));
    const byFace = new Map(accepted.map((f, i) => [f, outputs[i]]));
    return batch.map((record) => ({
      ...record,
      faces: record.faces.map((f) => {
        const expression = byFace.get(f);
        return expression ? { ...f, expression, embedding: expressionEmbedding(expression) } : f;
      }),
    }));
  };
}
