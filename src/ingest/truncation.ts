/**
 * True when decoded frames end so far before the container's declared duration that the file must
 * have been cut short. The slack (1 s, or a tenth of a long video) allows for an audio track that
 * outlasts the video a little, which the declared duration includes.
 */
export function isTruncated(framesEndSeconds: number, declaredSeconds: number): boolean {
  if (!(declaredSeconds > 0)) return false;
  return declaredSeconds - framesEndSeconds > Math.max(1, declaredSeconds / 10);
}
