import type { ServerResponse } from 'node:http';

/** An AbortSignal that fires when the client disconnects before its answer was sent. */
export function clientSignal(res: ServerResponse): AbortSignal {
  const controller = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  return controller.signal;
}
