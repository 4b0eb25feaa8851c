import type { ServerResponse } from 'node:http';

/**
 * Counts the HTTP requests being answered, so a shutdown can wait for them. Once `drain()` has
 * been called, each response still being written asks its client to close the connection, so
 * keep-alive clients do not send another request to a server that is leaving.
 */
export class InFlightRequests {
  private count = 0;
  private started = 0;
  private draining = false;
  private readonly idleWaiters = new Set<() => void>();
  private readonly drainListeners = new Set<() => void>();

  /**
   * Counts `res` until `leave()` (called when its response closes, which every response does,
   * after its end or when its socket goes); a response started while draining closes its
   * connection.
   */
  enter(res: ServerResponse): void {
    this.count += 1;
    this.started += 1;
    if (this.draining) res.setHeader('Connection', 'close');
  }

  /** The response counted by `enter` closed. */
  leave(): void {
    this.count -= 1;
    if (this.count === 0) for (const wake of this.idleWaiters) wake();
  }

  /** Requests counted since start: unchanged between two looks means none came meanwhile. */
  get entered(): number {
    return this.started;
  }

  /** Requests being answered now. */
  get size(): number {
    return this.count;
  }

  /**
   * Marks the server as leaving: responses from now on close their connections, and the
   * open-ended responses (a log tail) that registered with `onDrain` end now.
   */
  drain(): void {
    this.draining = true;
    for (const listener of this.drainListeners) listener();
  }

  /**
   * Calls `listener` when the drain starts: for responses that never end by themselves, which
   * would otherwise hold the shutdown until its deadline. Returns the unsubscribe function.
   */
  onDrain(listener: () => void): () => void {
    this.drainListeners.add(listener);
    return () => this.drainListeners.delete(listener);
  }

  /** Resolves `true` once no request is in flight, or `false` after `timeoutMs`. */
  idle(timeoutMs: number): Promise<boolean> {
    if (this.count === 0) return Promise.resolve(true);
    return new Promise((settle) => {
      const wake = () => {
        clearTimeout(timer);
        this.idleWaiters.delete(wake);
        settle(true);
      };
      const timer = setTimeout(() => {
        this.idleWaiters.delete(wake);
        settle(false);
      }, timeoutMs);
      this.idleWaiters.add(wake);
    });
  }
}
