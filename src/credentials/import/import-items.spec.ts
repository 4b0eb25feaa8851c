import { zipSync } from 'fflate';
import { LoopSlices } from '../../common/loop-slices';
import { itemsOfUpload } from './import-items';

const credential = (i: number) =>
  new TextEncoder().encode(
    JSON.stringify({ client_id: 'c', client_secret: 's', refresh_token: `r${i}`, project_id: 'p' }),
  );

describe('itemsOfUpload', () => {
  it('reads an archive in slices, letting the event loop run between them', async () => {
    const files = Object.fromEntries(
      Array.from({ length: 40 }, (_, i) => [`c-${i}.json`, credential(i)]),
    );
    const buffer = Buffer.from(zipSync(files));
    let turns = 0;
    let reading = true;
    const spin = () => {
      if (!reading) return;
      turns++;
      setImmediate(spin);
    };
    setImmediate(spin);
    const upload = await itemsOfUpload(
      [{ originalname: 'all.zip', size: buffer.length, buffer }],
      100,
      new LoopSlices(0),
    );
    reading = false;
    upload.close();
    expect(upload.items.map((item) => item.filename)).toEqual(Object.keys(files));
    expect(upload.items.every((item) => item.load !== undefined)).toBe(true);
    // One slice per entry here (0 ms slices): the event loop ran between them.
    expect(turns).toBeGreaterThanOrEqual(39);
  });
});
