import { unzipSync } from 'fflate';
import { extractZipEntry, zipEntries } from '../credentials/import/zip-archive';
import { type ZipFile, zipStream } from './zip-writer';

const bytes = (text: string) => new TextEncoder().encode(text);

async function* filesOf(list: ZipFile[]) {
  yield* list;
}

async function archive(list: ZipFile[]): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of zipStream(filesOf(list))) chunks.push(chunk);
  return Buffer.concat(chunks);
}

describe('zipStream', () => {
  it('writes an archive other readers open, UTF-8 names and all', async () => {
    const zip = await archive([
      { name: 'a.json', data: bytes('{"a":1}') },
      { name: 'ünï €.json', data: bytes('{"b":2}') },
      { name: 'empty.json', data: new Uint8Array(0) },
    ]);
    const files = unzipSync(zip);
    expect(Object.keys(files)).toEqual(['a.json', 'ünï €.json', 'empty.json']);
    expect(new TextDecoder().decode(files['ünï €.json'])).toBe('{"b":2}');
  });

  it('hands the archive over in chunks of about 64 KiB, not a chunk per record', async () => {
    const list = Array.from({ length: 5_000 }, (_, i) => ({
      name: `credential-${i}.json`,
      data: bytes(`{"refresh_token":"r${i}","project_id":"p${i}"}`),
    }));
    const chunks: Buffer[] = [];
    for await (const chunk of zipStream(filesOf(list))) chunks.push(chunk);
    const total = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
    expect(chunks.length).toBeLessThanOrEqual(Math.ceil(total / (64 * 1024)) + 1);
    for (const chunk of chunks.slice(0, -1)) expect(chunk.length).toBeGreaterThanOrEqual(64 * 1024);
    expect(Object.keys(unzipSync(Buffer.concat(chunks)))).toHaveLength(5_000);
  });

  it('writes ZIP64 records past 65,535 entries, so every entry can be found again', async () => {
    const list = Array.from({ length: 70_000 }, (_, i) => ({
      name: `c${i}.json`,
      data: bytes(`{"i":${i}}`),
    }));
    const zip = await archive(list);
    const entries = zipEntries(zip);
    expect(entries).toHaveLength(70_000);
    const last = entries[69_999];
    expect(last.path).toBe('c69999.json');
    const roomy = { remainingBytes: 1e9 };
    expect(new TextDecoder().decode(extractZipEntry(zip, last, 1024, roomy))).toBe('{"i":69999}');
  });

  it('writes exactly 65,535 entries so that every reader finds them all', async () => {
    const list = Array.from({ length: 65_535 }, (_, i) => ({
      name: `c${i}.json`,
      data: bytes('{}'),
    }));
    const zip = Buffer.from(await archive(list));
    expect(zipEntries(zip)).toHaveLength(65_535);
    // A count of 0xFFFF means "see the ZIP64 record" to some readers: the record is there.
    const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    expect(zip.readUInt32LE(eocd - 20)).toBe(0x07064b50);
  });

  it('writes an empty archive for no entries', async () => {
    expect(zipEntries(await archive([]))).toEqual([]);
  });
});
