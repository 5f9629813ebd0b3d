// Test support: safetensors files built byte by byte from the format's description, independent
// of `saveSafetensors`, as Python's `safetensors` writes them.

/**
 * A file: 8-byte little-endian header length, the header text padded with spaces to a multiple
 * of 8 (unless `pad` is false), then `data`. `declared` overrides the stored header length.
 */
export function buildFile(
  header: string,
  data: Uint8Array,
  opts: { pad?: boolean; declared?: bigint } = {},
): Uint8Array {
  const text = new TextEncoder().encode(header);
  const n = opts.pad === false ? text.length : Math.ceil(text.length / 8) * 8;
  const out = new Uint8Array(8 + n + data.length);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, opts.declared ?? BigInt(n), true);
  out.set(text, 8);
  out.fill(0x20, 8 + text.length, 8 + n);
  out.set(data, 8 + n);
  return out;
}

/** Little-endian bytes of values written one by one through a DataView. */
export function leBytes(
  kind: "f64" | "f32" | "i32" | "f16raw" | "i64" | "u8" | "i16",
  values: readonly (number | bigint)[],
): Uint8Array {
  const size = { f64: 8, f32: 4, i32: 4, f16raw: 2, i64: 8, u8: 1, i16: 2 }[kind];
  const out = new Uint8Array(values.length * size);
  const v = new DataView(out.buffer);
  values.forEach((x, i) => {
    const at = i * size;
    if (kind === "f64") v.setFloat64(at, Number(x), true);
    else if (kind === "f32") v.setFloat32(at, Number(x), true);
    else if (kind === "i32") v.setInt32(at, Number(x), true);
    else if (kind === "f16raw") v.setUint16(at, Number(x), true);
    else if (kind === "i64") v.setBigInt64(at, BigInt(x), true);
    else if (kind === "i16") v.setInt16(at, Number(x), true);
    else v.setUint8(at, Number(x));
  });
  return out;
}

/** Concatenates byte arrays. */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
