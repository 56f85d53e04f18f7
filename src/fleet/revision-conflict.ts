import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';

/** A compare-and-set write refused: the KV entry is not at the revision named (another writer was first). */
export function isRevisionConflict(error: unknown): boolean {
  return error instanceof JetStreamApiError && (error.code === JetStreamApiCodes.StreamWrongLastSequence || error.code === JetStreamApiCodes.StreamWrongLastSequenceUnknown);
}
