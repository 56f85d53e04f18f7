/**
 * IEEE 754 binary16 to float32. Every binary16 value (subnormals, infinities, NaN included) is
 * exactly representable in float32, so dequantising a float16 weight loses nothing.
 */
export function float16ToFloat32(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1024 + fraction) * 2 ** (exponent - 25);
}

/** Little-endian binary16 values (a TFLite FLOAT16 buffer) as float32. */
export function decodeFloat16(bytes: Uint8Array): Float32Array {
  if (bytes.length % 2 !== 0) throw new RangeError(`a float16 buffer has an even byte count, got ${bytes.length}`);
  const out = new Float32Array(bytes.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = float16ToFloat32(bytes[2 * i] | (bytes[2 * i + 1] << 8));
  return out;
}
