import protobuf from 'protobufjs';
import { GeometryMetadataError } from '../errors.js';

/**
 * MediaPipe's face geometry pipeline metadata (geometry_pipeline_metadata_landmarks.binarypb in
 * face_landmarker.task): the canonical face model and the landmark weights its Procrustes fit
 * uses. Schema from tasks/cc/vision/face_geometry/proto/geometry_pipeline_metadata.proto and
 * mesh_3d.proto; the reading of it follows libs/geometry_pipeline.cc (CreateGeometryPipeline).
 */
const SCHEMA = `
syntax = "proto2";
package face_geometry;

message Mesh3d {
  optional int32 vertex_type = 1;
  optional int32 primitive_type = 2;
  repeated float vertex_buffer = 3;
  repeated uint32 index_buffer = 4;
}

message WeightedLandmarkRef {
  optional uint32 landmark_id = 1;
  optional float weight = 2;
}

message GeometryPipelineMetadata {
  optional int32 input_source = 3;
  optional Mesh3d canonical_mesh = 1;
  repeated WeightedLandmarkRef procrustes_landmark_basis = 2;
}
`;

const MetadataProto = protobuf.parse(SCHEMA).root.lookupType('face_geometry.GeometryPipelineMetadata');

interface DecodedMetadata {
  inputSource?: number;
  canonicalMesh?: { vertexType?: number; vertexBuffer?: number[] };
  procrustesLandmarkBasis?: { landmarkId?: number; weight?: number }[];
}

/** InputSource: DEFAULT (0) means FACE_LANDMARK_PIPELINE (1); FACE_DETECTION_PIPELINE is 2. */
const FACE_DETECTION_PIPELINE = 2;
/** Mesh3d.VERTEX_PT: x, y, z, u, v per vertex, position first (mesh_3d_utils.cc). */
const VERTEX_PT = 0;
const VERTEX_PT_SIZE = 5;

export interface FaceGeometryMetadata {
  /** The canonical face model's vertices, x, y, z per landmark (centimetres, right-handed, y up). */
  readonly canonical: Float32Array;
  /** The Procrustes weight of each landmark; zero for landmarks outside the basis. */
  readonly weights: Float32Array;
  /** The number of landmarks (vertices): 468, the mesh without the iris. */
  readonly count: number;
}

/** Reads the binary GeometryPipelineMetadata proto; throws GeometryMetadataError when it is not one Mien can use. */
export function parseGeometryMetadata(bytes: Uint8Array): FaceGeometryMetadata {
  let decoded: DecodedMetadata;
  try {
    decoded = MetadataProto.toObject(MetadataProto.decode(bytes), { arrays: true, defaults: false });
  } catch (error) {
    throw new GeometryMetadataError(`not a geometry pipeline metadata proto: ${(error as Error).message}`);
  }
  // The detection-pipeline variant (6 keypoints, z rewritten from the model) is not what the mesh feeds.
  if (decoded.inputSource === FACE_DETECTION_PIPELINE) throw new GeometryMetadataError('metadata is for the face detection pipeline, not the landmark pipeline');
  const mesh = decoded.canonicalMesh;
  if ((mesh?.vertexType ?? VERTEX_PT) !== VERTEX_PT) throw new GeometryMetadataError(`unknown vertex type ${mesh?.vertexType}`);
  const buffer = mesh?.vertexBuffer ?? [];
  if (buffer.length === 0 || buffer.length % VERTEX_PT_SIZE !== 0) throw new GeometryMetadataError(`vertex buffer of ${buffer.length} floats is not whole x, y, z, u, v vertices`);
  const count = buffer.length / VERTEX_PT_SIZE;
  const canonical = new Float32Array(count * 3);
  for (let i = 0; i < count; i++) canonical.set(buffer.slice(i * VERTEX_PT_SIZE, i * VERTEX_PT_SIZE + 3), 3 * i);
  const weights = new Float32Array(count);
  for (const { landmarkId = 0, weight = 0 } of decoded.procrustesLandmarkBasis ?? []) {
    if (landmarkId >= count) throw new GeometryMetadataError(`basis landmark ${landmarkId} is outside the ${count}-vertex mesh`);
    if (!(weight >= 0)) throw new GeometryMetadataError(`basis landmark ${landmarkId} has weight ${weight}`);
    weights[landmarkId] = weight;
  }
  if (!(weights.reduce((s, w) => s + w, 0) > 1e-9)) throw new GeometryMetadataError('the Procrustes basis has no weight');
  return { canonical, weights, count };
}
