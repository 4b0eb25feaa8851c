import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Counts the HTTP requests being answered, so a shutdown can wait for them. Once `drain()` has
 * been called, each response still being written asks its client to close the connection, so
 * keep-alive clients do not send another request to a server that is leaving.
 */
export class InFlightRequests {
  private count = 0;
  private draining = false;
  private readonly idleWaiters = new Set<() => void>();
  private readonly drainListeners = new Set<() => void>();

  /** Express middleware that counts each request until its response ends or its socket closes. */
  readonly middleware = (_req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    this.count += 1;
    if (this.draining) res.setHeader('Connection', 'close');
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      this.count -= 1;
      if (this.count === 0) for (const wake of this.idleWaiters) wake();
    };
    res.once('finish', finish);
    res.once('close', finish);
    next();
  };

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
