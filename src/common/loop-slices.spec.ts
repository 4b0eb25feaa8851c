import { LoopSlices } from './loop-slices';

describe('LoopSlices', () => {
  it('is due once its slice has run its time, and not again right after the loop ran', async () => {
    let now = 1_000;
    const slices = new LoopSlices(20, () => now);
    now += 19;
    expect(slices.due()).toBe(false);
    now += 1;
    expect(slices.due()).toBe(true);
    await slices.next();
    expect(slices.due()).toBe(false);
  });

  it('lets the work already queued on the event loop run before the next slice', async () => {
    const ran: string[] = [];
    setImmediate(() => ran.push('queued work'));
    const slices = new LoopSlices(0);
    expect(slices.due()).toBe(true);
    await slices.next();
    ran.push('next slice');
    expect(ran).toEqual(['queued work', 'next slice']);
  });
});
