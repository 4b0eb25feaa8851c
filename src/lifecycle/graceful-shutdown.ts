import type { Server } from 'node:http';
import type { INestApplication, LoggerService } from '@nestjs/common';
import { InFlightRequests } from './in-flight-requests';

/** The signals that stop the gateway: `docker stop` and systemd send SIGTERM, a terminal SIGINT. */
const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/** Time allowed to close storage and the rest of the app after the drain, in milliseconds. */
const CLOSE_GRACE_MS = 5_000;

/**
 * Stops the gateway in order on SIGTERM or SIGINT: the listening socket closes at once (new
 * connections are refused, idle keep-alive ones closed), in-flight calls get up to `timeoutMs`
 * to finish, connections still open then are cut, and only after that does the app close (its
 * shutdown hooks close storage). Replaces Nest's `enableShutdownHooks`, which closes storage
 * while calls are still running and waits for them without a limit.
 */
export function installGracefulShutdown(
  app: INestApplication,
  logger: LoggerService,
  timeoutMs: number,
): void {
  const inFlight = app.get(InFlightRequests);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    // Whatever hangs below, the process still ends.
    setTimeout(() => process.exit(1), timeoutMs + CLOSE_GRACE_MS).unref();
    const server = app.getHttpServer() as Server;
    logger.log(
      `${signal} received: refusing new connections, waiting up to ${timeoutMs} ms for ${inFlight.size} call(s) in flight`,
      'Shutdown',
    );
    inFlight.drain();
    server.close();
    server.closeIdleConnections();
    const finished = await inFlight.idle(timeoutMs);
    if (!finished) {
      logger.warn(`Deadline reached: cutting ${inFlight.size} call(s) still in flight`, 'Shutdown');
    }
    server.closeAllConnections();
    try {
      await app.close();
      logger.log('Stopped', 'Shutdown');
      process.exit(0);
    } catch (err) {
      logger.error(`Shutdown failed: ${(err as Error).message}`, undefined, 'Shutdown');
      process.exit(1);
    }
  };
  for (const signal of SIGNALS) process.once(signal, (name) => void stop(name));
}
