/**
 * Jest global teardown: stops the servers started by global setup and removes their data.
 */
/** Disposes every server registered in `globalThis.__GCLI_SERVERS__`. */
export default async function globalTeardown(): Promise<void> {
  const servers = globalThis.__GCLI_SERVERS__ ?? [];
  globalThis.__GCLI_SERVERS__ = undefined;
  const results = await Promise.allSettled(servers.map((server) => server.dispose()));
  results.forEach((result, index) => {
    if (result.status === 'rejected') {
      const reason = result.reason instanceof Error ? result.reason.message : String(result.reason);
      process.stderr.write(`could not stop ${servers[index].name} test server: ${reason}\n`);
    }
  });
}
