/** Face Landmarker geometry metadata (the .binarypb of its .task) that cannot be read. */
export class GeometryMetadataError extends Error {
  override name = 'GeometryMetadataError';
}
