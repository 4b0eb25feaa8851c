/**
 * Rewrites an archive as ZIP64, the way tools write one past 65,535 entries or 4 GiB: every
 * central header's sizes and offset become 0xFFFFFFFF with the real values in a ZIP64 extra
 * field, and the end record points to a ZIP64 end record (through its locator) for the count,
 * size and offset of the central directory. `count` overrides the entry count (fflate writes it
 * in 16 bits).
 */
export function toZip64(zip: Uint8Array, count: number): Uint8Array {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  let eocd = zip.length - 22;
  while (view.getUint32(eocd, true) !== 0x06054b50) eocd--;
  const start = view.getUint32(eocd + 16, true);
  const parts: Uint8Array[] = [zip.subarray(0, start)];
  let p = start;
  for (let i = 0; i < count; i++) {
    const nameLength = view.getUint16(p + 28, true);
    const extraLength = view.getUint16(p + 30, true);
    const commentLength = view.getUint16(p + 32, true);
    const header = zip.slice(p, p + 46 + nameLength);
    const h = new DataView(header.buffer);
    const extra = new Uint8Array(4 + 24);
    const e = new DataView(extra.buffer);
    e.setUint16(0, 0x0001, true);
    e.setUint16(2, 24, true);
    e.setBigUint64(4, BigInt(h.getUint32(24, true)), true);
    e.setBigUint64(12, BigInt(h.getUint32(20, true)), true);
    e.setBigUint64(20, BigInt(h.getUint32(42, true)), true);
    for (const at of [20, 24, 42]) h.setUint32(at, 0xffffffff, true);
    h.setUint16(30, extra.length + extraLength, true);
    const rest = zip.subarray(
      p + 46 + nameLength,
      p + 46 + nameLength + extraLength + commentLength,
    );
    parts.push(header, extra, rest);
    p += 46 + nameLength + extraLength + commentLength;
  }
  const directory = parts.slice(1).reduce((n, part) => n + part.length, 0);
  const record = new DataView(new ArrayBuffer(56 + 20 + 22));
  record.setUint32(0, 0x06064b50, true);
  record.setBigUint64(4, 44n, true);
  record.setBigUint64(24, BigInt(count), true);
  record.setBigUint64(32, BigInt(count), true);
  record.setBigUint64(40, BigInt(directory), true);
  record.setBigUint64(48, BigInt(start), true);
  record.setUint32(56, 0x07064b50, true);
  record.setBigUint64(56 + 8, BigInt(start + directory), true);
  record.setUint32(56 + 16, 1, true);
  record.setUint32(76, 0x06054b50, true);
  record.setUint16(76 + 8, 0xffff, true);
  record.setUint16(76 + 10, 0xffff, true);
  record.setUint32(76 + 12, 0xffffffff, true);
  record.setUint32(76 + 16, 0xffffffff, true);
  parts.push(new Uint8Array(record.buffer));
  const out = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
