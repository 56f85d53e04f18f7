import { TaskBundleError } from '../errors.js';

/**
 * Reads a MediaPipe .task bundle: a zip (PKWARE APPNOTE 4.3.x) whose entries are STORED, so each
 * entry's bytes are a slice of the file. Only what such bundles use is accepted; anything else
 * (a deflated entry, zip64, a split archive) and any damage (a truncated file, a CRC-32 mismatch)
 * throws TaskBundleError with one line naming the entry.
 */

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const EOCD_SIZE = 22;
const CENTRAL_SIZE = 46;
const LOCAL_SIZE = 30;
const METHOD_NAMES: Record<number, string> = { 8: 'deflate', 9: 'deflate64', 12: 'bzip2', 14: 'lzma', 93: 'zstd' };

/** Entry name -> its bytes (views into `bundle`, not copies), in the archive's order. */
export function readTaskBundle(bundle: Uint8Array): Map<string, Uint8Array> {
  const view = new DataView(bundle.buffer, bundle.byteOffset, bundle.byteLength);
  const eocd = findEndOfCentralDirectory(bundle, view);
  if (view.getUint16(eocd + 4, true) !== 0 || view.getUint16(eocd + 6, true) !== 0) throw new TaskBundleError('split (multi-disk) zip archives are not supported');
  const count = view.getUint16(eocd + 10, true);
  const size = view.getUint32(eocd + 12, true);
  const start = view.getUint32(eocd + 16, true);
  if (start === 0xffffffff || count === 0xffff) throw new TaskBundleError('zip64 archives are not supported');
  if (start + size > eocd) throw new TaskBundleError(`central directory (bytes ${start}..${start + size}) overlaps its end record at ${eocd}: truncated or corrupt`);
  const entries = new Map<string, Uint8Array>();
  let at = start;
  for (let i = 0; i < count; i++) {
    if (at + CENTRAL_SIZE > start + size || view.getUint32(at, true) !== CENTRAL_SIGNATURE) throw new TaskBundleError(`central directory entry ${i} at byte ${at} is damaged`);
    const method = view.getUint16(at + 10, true);
    const crc = view.getUint32(at + 16, true);
    const compressed = view.getUint32(at + 20, true);
    const length = view.getUint32(at + 24, true);
    const nameLength = view.getUint16(at + 28, true);
    const skip = nameLength + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
    const local = view.getUint32(at + 42, true);
    if (at + CENTRAL_SIZE + skip > start + size) throw new TaskBundleError(`central directory entry ${i} at byte ${at} runs past the directory`);
    const name = new TextDecoder().decode(bundle.subarray(at + CENTRAL_SIZE, at + CENTRAL_SIZE + nameLength));
    if (method !== 0) throw new TaskBundleError(`entry "${name}" is compressed (${METHOD_NAMES[method] ?? `method ${method}`}); a .task bundle's entries must be stored`);
    if (compressed !== length) throw new TaskBundleError(`entry "${name}" is stored but its sizes differ (${compressed} vs ${length})`);
    entries.set(name, entryData(bundle, view, name, local, length, crc));
    at += CENTRAL_SIZE + skip;
  }
  return entries;
}

/** One entry's bytes, after its local header, checked against the central directory's CRC-32. */
function entryData(bundle: Uint8Array, view: DataView, name: string, local: number, length: number, crc: number): Uint8Array {
  if (local + LOCAL_SIZE > bundle.length || view.getUint32(local, true) !== LOCAL_SIGNATURE) throw new TaskBundleError(`entry "${name}": no local header at byte ${local}`);
  // The local header's own name and extra lengths decide where the data starts.
  const data = local + LOCAL_SIZE + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
  if (data + length > bundle.length) throw new TaskBundleError(`entry "${name}" (${length} bytes at ${data}) runs past the end of the ${bundle.length}-byte file: truncated`);
  const bytes = bundle.subarray(data, data + length);
  if (crc32(bytes) !== crc) throw new TaskBundleError(`entry "${name}" fails its CRC-32 check: corrupt`);
  return bytes;
}

/** The end record is the last 22 bytes unless a comment (at most 65535 bytes) follows it. */
function findEndOfCentralDirectory(bundle: Uint8Array, view: DataView): number {
  const lowest = Math.max(0, bundle.length - EOCD_SIZE - 0xffff);
  for (let at = bundle.length - EOCD_SIZE; at >= lowest; at--) {
    if (view.getUint32(at, true) === EOCD_SIGNATURE && at + EOCD_SIZE + view.getUint16(at + 20, true) === bundle.length) return at;
  }
  throw new TaskBundleError(`not a zip archive (no end-of-central-directory record in ${bundle.length} bytes): truncated or not a .task bundle`);
}

let crcTable: Uint32Array | undefined;

/** CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), as zip stores it. */
export function crc32(bytes: Uint8Array): number {
  crcTable ??= Uint32Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = crcTable[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
