/**
 * A TCP proxy that holds every chunk for a fixed one-way delay, in both directions and in order:
 * on localhost a server round trip is CPU time, not wire time, so a bench that puts this in front
 * of PostgreSQL and Valkey shows what a deployment with the servers across a network pays.
 *
 * Each proxy runs in its own process so that its waits neither stall the measuring process nor
 * the other server's proxy (the tier's concurrent steps must overlap as they would on a network).
 * Node timers cannot wait under a millisecond, so a due chunk is waited for in slices of
 * SLICE_MS with `Atomics.wait`, going back to the event loop between slices to take in new
 * chunks: a chunk's arrival time is late by at most one slice, and the process sleeps instead of
 * spinning.
 */
import { fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createConnection, createServer, type Socket } from 'node:net';

const SLICE_MS = 0.1;
const START_TIMEOUT_MS = 30_000;

/** A running proxy: `url` is the target's URL pointing at the proxy instead. */
export interface DelayProxy {
  url: string;
  close(): void;
}

/**
 * Starts a proxy process in front of the server of `target` (any `scheme://[user@]host:port/...`
 * URL) adding `oneWayMs` to each chunk each way; the proxy ends with this process.
 */
export async function startDelayProxy(target: string, oneWayMs: number): Promise<DelayProxy> {
  const url = new URL(target);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const child = fork(__filename, [host, url.port, String(oneWayMs)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const close = () => void child.kill();
  process.once('exit', close);
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('the delay proxy did not start')),
      START_TIMEOUT_MS,
    );
    child.once('message', (message) => {
      clearTimeout(timer);
      resolve(Number(message));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the delay proxy exited (${code})`));
    });
  });
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return { url: url.toString(), close };
}

/** Listens on a free local port, forwarding to `host:port` with the delay; returns the port. */
function serve(host: string, port: number, oneWayMs: number): Promise<number> {
  /** Chunks not yet forwarded, oldest first; `data: null` ends the socket. */
  const queue: Array<{ due: number; to: Socket; data: Buffer | null }> = [];
  const gate = new Int32Array(new SharedArrayBuffer(4));
  let pumping = false;
  const pump = () => {
    const now = performance.now();
    while (queue.length > 0 && queue[0].due <= now) {
      const { to, data } = queue.shift()!;
      if (to.destroyed) continue;
      if (data) to.write(data);
      else to.end();
    }
    if (queue.length === 0) {
      pumping = false;
      return;
    }
    Atomics.wait(gate, 0, 0, Math.min(queue[0].due - now, SLICE_MS));
    setImmediate(pump);
  };
  const enqueue = (to: Socket, data: Buffer | null) => {
    queue.push({ due: performance.now() + oneWayMs, to, data });
    if (!pumping) {
      pumping = true;
      setImmediate(pump);
    }
  };
  const server = createServer((client) => {
    const upstream = createConnection({ host, port });
    const destroy = () => {
      client.destroy();
      upstream.destroy();
    };
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ]) {
      from.setNoDelay(true);
      from.on('data', (data: Buffer) => enqueue(to, data));
      from.on('end', () => enqueue(to, null));
      from.on('error', destroy);
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
  });
}

if (require.main === module) {
  const [host, port, oneWayMs] = process.argv.slice(2);
  process.once('disconnect', () => process.exit(0));
  try {
    writeFileSync('/proc/self/timerslack_ns', '1');
  } catch {
    // Not Linux, or not allowed: the waits overshoot by the default slack (50 µs).
  }
  void serve(host, Number(port), Number(oneWayMs)).then((listening) => process.send!(listening));
}
