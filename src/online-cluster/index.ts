export { IncrementalDbscan, type IncrementalDbscanOptions } from './incremental-dbscan.js';
export type { Neighbourhood, SimilarityScan, SimilarityScanFactory } from './similarity-scan.js';
export type { ClusterEvent, IdentitySummary, Insertion, PersonEvent, PointRole, PointState } from './types.js';
export { PersonGallery, type GalleryStore, type PersonFaces, type PersonGalleryOptions } from './person-gallery.js';
export { WasmSimilarityScan } from './wasm-similarity-scan.js';
