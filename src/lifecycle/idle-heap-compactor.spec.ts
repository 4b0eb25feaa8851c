import type { ServerResponse } from 'node:http';
import type { ConfigService } from '@nestjs/config';
import { manualTimers } from '../../test/support/manual-timers';
import type { GatewayEnv } from '../env/env.schema';
import {
  type HeapProbe,
  IDLE_CHECK_MS,
  IdleHeapCompactor,
  processHeap,
} from './idle-heap-compactor';
import { InFlightRequests } from './in-flight-requests';

const MiB = 2 ** 20;

/** A heap whose use the test sets; a collection brings it down to what is live. */
function fakeHeap(live: number) {
  const heap = {
    used: live,
    live,
    collections: 0,
    usedBytes: () => heap.used,
    collect() {
      heap.collections += 1;
      heap.used = heap.live;
    },
  };
  return heap satisfies HeapProbe;
}

const configWith = (mb: number) =>
  ({ get: () => mb }) as unknown as ConfigService<GatewayEnv, true>;

const response = () => ({ setHeader() {} }) as unknown as ServerResponse;

describe('IdleHeapCompactor', () => {
  let inFlight: InFlightRequests;
  let clock: ReturnType<typeof manualTimers>;
  let heap: ReturnType<typeof fakeHeap>;

  const start = (mb = 32) => {
    const compactor = new IdleHeapCompactor(inFlight, clock.timers, configWith(mb), heap);
    compactor.onApplicationBootstrap();
    return compactor;
  };

  beforeEach(() => {
    inFlight = new InFlightRequests();
    clock = manualTimers();
    heap = fakeHeap(40 * MiB);
  });

  it('collects once a burst is over and the heap grew past the threshold', () => {
    heap.used = 90 * MiB; // start-up's garbage
    start();
    expect(heap.collections).toBe(1);
    heap.collections = 0;
    expect([...clock.pending].map((entry) => entry.ms)).toEqual([IDLE_CHECK_MS]);
    for (let i = 0; i < 100; i++) inFlight.enter(response());
    for (let i = 0; i < 100; i++) inFlight.leave();
    heap.used = 130 * MiB;
    clock.fire(); // requests came since the last look: not idle yet
    expect(heap.collections).toBe(0);
    clock.fire(); // none came since: idle
    expect(heap.collections).toBe(1);
    expect(heap.used).toBe(40 * MiB);
    clock.fire();
    expect(heap.collections).toBe(1);
  });

  it('never collects while requests keep coming, but does with a long response still open', () => {
    start();
    heap.collections = 0;
    heap.used = 200 * MiB;
    for (let look = 0; look < 5; look++) {
      inFlight.enter(response());
      inFlight.leave();
      clock.fire();
    }
    expect(heap.collections).toBe(0);
    inFlight.enter(response()); // a live log tail, open for hours
    clock.fire();
    expect(heap.collections).toBe(0);
    clock.fire();
    expect(heap.collections).toBe(1);
  });

  it('leaves growth under the threshold alone, and measures from the heap after a collection', () => {
    start();
    heap.collections = 0;
    heap.used = 71 * MiB;
    clock.fire();
    clock.fire();
    expect(heap.collections).toBe(0);
    // Real growth (credentials added): after one collection the baseline follows it.
    heap.live = 90 * MiB;
    heap.used = 120 * MiB;
    clock.fire();
    expect(heap.collections).toBe(1);
    heap.used = 120 * MiB;
    clock.fire();
    expect(heap.collections).toBe(1);
  });

  it('is off with IDLE_GC_MB=0, and stops looking at shutdown', () => {
    start(0);
    expect(clock.pending.size).toBe(0);
    expect(heap.collections).toBe(0);
    const compactor = start();
    expect(clock.pending.size).toBe(1);
    compactor.onApplicationShutdown();
    expect(clock.pending.size).toBe(0);
  });

  it("collects the process's heap for real", () => {
    const probe = processHeap();
    let garbage: unknown[] | undefined = Array.from({ length: 500_000 }, (_, i) => ({ i }));
    const before = probe.usedBytes();
    expect(garbage.length).toBe(500_000);
    garbage = undefined;
    probe.collect();
    expect(garbage).toBeUndefined();
    expect(probe.usedBytes()).toBeLessThan(before - 4 * MiB);
  });
});
