export { IncrementalDbscan, type IncrementalDbscanOptions } from './incremental-dbscan.js';
export type { Neighbourhood, SimilarityScan, SimilarityScanFactory } from './similarity-scan.js';
export type { ClusterEvent, IdentitySummary, Insertion, PointRole, PointState } from './types.js';
export { WasmSimilarityScan } from './wasm-similarity-scan.js';
