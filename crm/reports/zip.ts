// A minimal ZIP writer (PKWARE APPNOTE 6.3: local headers, deflate, central directory, no ZIP64), enough for
// an .xlsx of a few sheets. Names are UTF-8 (general purpose flag bit 11).
import zlib from 'node:zlib';

export interface ZipEntry {
  name: string;
  data: Buffer | string;
}

// 1980-01-01 00:00, the DOS epoch: entries carry no meaningful time, and a fixed one keeps output reproducible
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1;

type Field = [2 | 4, number];

/** Little-endian fields, one after another. */
function le(fields: readonly Field[]): Buffer {
  const b = Buffer.alloc(fields.reduce((n, [w]) => n + w, 0));
  let p = 0;
  for (const [w, v] of fields) p = w === 2 ? b.writeUInt16LE(v, p) : b.writeUInt32LE(v >>> 0, p);
  return b;
}

export function zip(entries: readonly ZipEntry[]): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const raw = typeof e.data === 'string' ? Buffer.from(e.data, 'utf8') : e.data;
    const packed = zlib.deflateRawSync(raw);
    const crc = zlib.crc32(raw);
    // fields shared by the local header (after its signature and "version needed") and the central directory entry
    const common: Field[] = [
      [2, 0x0800],
      [2, 8],
      [2, DOS_TIME],
      [2, DOS_DATE],
      [4, crc],
      [4, packed.length],
      [4, raw.length],
      [2, name.length],
      [2, 0],
    ];
    const local = le([[4, 0x04034b50], [2, 20], ...common]);
    parts.push(local, name, packed);
    // + comment length, disk number, internal and external attributes (0), then the local header's offset
    const cd = le([[4, 0x02014b50], [2, 20], [2, 20], ...common, [2, 0], [2, 0], [2, 0], [4, 0], [4, offset]]);
    central.push(cd, name);
    offset += local.length + name.length + packed.length;
  }
  const cdSize = central.reduce((n, b) => n + b.length, 0);
  const end = le([
    [4, 0x06054b50],
    [2, 0],
    [2, 0],
    [2, entries.length],
    [2, entries.length],
    [4, cdSize],
    [4, offset],
    [2, 0],
  ]);
  return Buffer.concat([...parts, ...central, end]);
}

/** Reads back what zip() wrote (deflated or stored entries, no ZIP64): for tests and checks. */
export function unzip(buf: Buffer): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const endAt = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (endAt < 0) throw new Error('not a zip file');
  const count = buf.readUInt16LE(endAt + 10);
  let p = buf.readUInt32LE(endAt + 16);
  for (let i = 0; i < count; i++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error('bad central directory');
    const method = buf.readUInt16LE(p + 10);
    const packedSize = buf.readUInt32LE(p + 20);
    const size = buf.readUInt32LE(p + 24);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const localAt = buf.readUInt32LE(p + 42);
    const name = buf.subarray(p + 46, p + 46 + nameLen).toString('utf8');
    const dataAt = localAt + 30 + buf.readUInt16LE(localAt + 26) + buf.readUInt16LE(localAt + 28);
    const packed = buf.subarray(dataAt, dataAt + packedSize);
    const data = method === 8 ? zlib.inflateRawSync(packed) : Buffer.from(packed);
    if (data.length !== size) throw new Error(`size mismatch in ${name}`);
    out.set(name, data);
    p += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}
