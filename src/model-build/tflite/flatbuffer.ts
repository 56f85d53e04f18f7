import { FlatbufferError } from '../errors.js';

/**
 * A bounds-checked reader of FlatBuffers tables (the wire format of flatbuffers' docs,
 * "FlatBuffers internals"): enough to walk a schema by field index. Every read is checked against
 * the buffer, so a truncated or corrupt file throws FlatbufferError instead of reading garbage.
 */

/** One table: `pos` is where its soffset to the vtable lies. */
export class FlatTable {
  private readonly view: DataView;
  private readonly vtable: number;
  private readonly vtableSize: number;

  constructor(
    readonly bytes: Uint8Array,
    readonly pos: number,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    check(bytes, pos, 4, 'table');
    this.vtable = pos - this.view.getInt32(pos, true);
    check(bytes, this.vtable, 4, 'vtable');
    this.vtableSize = this.view.getUint16(this.vtable, true);
    check(bytes, this.vtable, this.vtableSize, 'vtable');
  }

  /** The root table of a buffer, after checking its 4-byte file identifier when one is given. */
  static root(bytes: Uint8Array, identifier?: string): FlatTable {
    check(bytes, 0, 8, 'root');
    if (identifier !== undefined) {
      const found = String.fromCharCode(...bytes.subarray(4, 8));
      if (found !== identifier) throw new FlatbufferError(`file identifier is "${printable(found)}", expected "${identifier}"`);
    }
    return new FlatTable(bytes, new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true));
  }

  /** Absolute position of field `index`, or undefined when the field is absent (its default). */
  private field(index: number): number | undefined {
    const entry = 4 + 2 * index;
    if (entry + 2 > this.vtableSize) return undefined;
    const offset = this.view.getUint16(this.vtable + entry, true);
    return offset === 0 ? undefined : this.pos + offset;
  }

  private scalar(index: number, size: number, read: (at: number) => number, fallback: number): number {
    const at = this.field(index);
    if (at === undefined) return fallback;
    check(this.bytes, at, size, `field ${index}`);
    return read(at);
  }

  int8(index: number, fallback = 0): number {
    return this.scalar(index, 1, (at) => this.view.getInt8(at), fallback);
  }

  uint8(index: number, fallback = 0): number {
    return this.scalar(index, 1, (at) => this.view.getUint8(at), fallback);
  }

  bool(index: number, fallback = false): boolean {
    return this.uint8(index, fallback ? 1 : 0) !== 0;
  }

  int32(index: number, fallback = 0): number {
    return this.scalar(index, 4, (at) => this.view.getInt32(at, true), fallback);
  }

  uint32(index: number, fallback = 0): number {
    return this.scalar(index, 4, (at) => this.view.getUint32(at, true), fallback);
  }

  /** uint64 as a number; throws past 2^53, which no offset in a file this reader takes reaches. */
  uint64(index: number, fallback = 0): number {
    return this.scalar(index, 8, (at) => {
      const value = this.view.getBigUint64(at, true);
      if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new FlatbufferError(`field ${index}: uint64 ${value} is too large`);
      return Number(value);
    }, fallback);
  }

  /** Where an offset field points, or undefined when absent. */
  private target(index: number): number | undefined {
    const at = this.field(index);
    if (at === undefined) return undefined;
    check(this.bytes, at, 4, `field ${index}`);
    return at + this.view.getUint32(at, true);
  }

  table(index: number): FlatTable | undefined {
    const at = this.target(index);
    return at === undefined ? undefined : new FlatTable(this.bytes, at);
  }

  string(index: number): string | undefined {
    const bytes = this.bytesOf(index);
    return bytes === undefined ? undefined : new TextDecoder().decode(bytes);
  }

  /** A [ubyte] vector (or a string's bytes) as a view into the buffer, not a copy. */
  bytesOf(index: number): Uint8Array | undefined {
    const at = this.vector(index, 1);
    return at === undefined ? undefined : this.bytes.subarray(at.start, at.start + at.length);
  }

  tables(index: number): FlatTable[] {
    const at = this.vector(index, 4);
    if (at === undefined) return [];
    return Array.from({ length: at.length }, (_, i) => {
      const slot = at.start + 4 * i;
      return new FlatTable(this.bytes, slot + this.view.getUint32(slot, true));
    });
  }

  int32s(index: number): number[] {
    const at = this.vector(index, 4);
    return at === undefined ? [] : Array.from({ length: at.length }, (_, i) => this.view.getInt32(at.start + 4 * i, true));
  }

  float32s(index: number): number[] {
    const at = this.vector(index, 4);
    return at === undefined ? [] : Array.from({ length: at.length }, (_, i) => this.view.getFloat32(at.start + 4 * i, true));
  }

  /** Start and element count of a vector field whose elements are `size` bytes, bounds-checked. */
  private vector(index: number, size: number): { start: number; length: number } | undefined {
    const at = this.target(index);
    if (at === undefined) return undefined;
    check(this.bytes, at, 4, `vector field ${index}`);
    const length = this.view.getUint32(at, true);
    check(this.bytes, at + 4, length * size, `vector field ${index}`);
    return { start: at + 4, length };
  }
}

function check(bytes: Uint8Array, at: number, size: number, what: string): void {
  if (at < 0 || size < 0 || at + size > bytes.length) {
    throw new FlatbufferError(`${what} at byte ${at} (+${size}) lies outside the ${bytes.length}-byte buffer: truncated or corrupt`);
  }
}

const printable = (s: string): string => s.replace(/[^\x20-\x7e]/g, '?');
