import type { FaceCore } from '../face/analyser.js';
import type { FaceIdentities } from '../online-cluster/face-identities.js';
import type { PersonEvent } from '../online-cluster/types.js';
import type { FaceThumbnail, FrameAnalysis } from './frame-analysis.js';

/**
 * The identity step: gives every face its person. Accepted faces whose track is new or stale get an identity
 * embedding (one batched call) that joins the online clustering; every other face takes its
 * track's identity. Rejected faces never enter the clustering: blurred and turned faces make poor
 * identity embeddings. A track's faces told before it had a person are attributed to them once it
 * has one.
 */
export function faceIdentifier(core: FaceCore, identities: FaceIdentities<FaceThumbnail>): (batch: readonly FrameAnalysis[]) => Promise<FrameAnalysis[]> {
  return async (batch) => {
    const due = batch.flatMap((record) =>
      record.faces.filter((f) => f.face.quality.accepted && identities.needsEmbedding(f.track, record.frame.pts)).map((f) => ({ record, f })),
    );
    const embeddings = await core.identities(due.map(({ f }) => f.face));
    const eventsOf = new Map<FrameAnalysis, PersonEvent[]>();
    due.forEach(({ record, f }, i) => {
      const thumbnail = { stream: record.frame.stream, pts: record.frame.pts, box: f.face.detection.box };
      const events = identities.add(f.track, record.frame.pts, embeddings[i], thumbnail);
      eventsOf.set(record, [...(eventsOf.get(record) ?? []), ...events]);
    });
    return batch.map((record) => {
      const personEvents = [...record.personEvents, ...(eventsOf.get(record) ?? [])];
      const faces = record.faces.map((f) => {
        const { identity, attributed } = identities.identify(f.track, record.frame.pts, f.face.quality.accepted);
        if (attributed) personEvents.push(attributed);
        return { ...f, identity };
      });
      return { ...record, faces, personEvents };
    });
  };
}
