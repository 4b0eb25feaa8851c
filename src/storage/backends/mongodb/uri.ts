const MONGO_URI = /^mongodb(\+srv)?:\/\/(?:[^@/]*@)?([^/?#]*)(?:\/([^?#]*))?(?:\?([^#]*))?/i;

/** What a `mongodb://` or `mongodb+srv://` URI says about host, database and TLS (never credentials). */
export function parseMongoUri(uri: string): { host?: string; database?: string; tls: boolean } {
  const match = MONGO_URI.exec(uri);
  if (!match) return { tls: false };
  const [, srv, host, path, query] = match;
  const params = new URLSearchParams(query ?? '');
  const tlsParam = (params.get('tls') ?? params.get('ssl'))?.toLowerCase();
  return {
    host: host || undefined,
    database: decodePath(path),
    // SRV URIs turn TLS on unless told otherwise.
    tls: tlsParam === undefined ? Boolean(srv) : tlsParam === 'true',
  };
}

function decodePath(path: string | undefined): string | undefined {
  if (!path) return undefined;
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
