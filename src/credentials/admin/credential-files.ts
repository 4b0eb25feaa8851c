import { strToU8 } from 'fflate';
import type { ZipFile } from '../../common/zip-writer';
import type { CredentialData } from '../../storage/storage-backend.interface';

/**
 * A credential name as a plain file name: imports only store safe basenames, but older or
 * hand-written data may hold anything, so path separators and control characters never reach a
 * download or an archive entry, and the name ends in `.json`.
 */
export function credentialFileName(name: string): string {
  // Through UTF-8 and back: lone surrogates become U+FFFD instead of breaking the encoders below.
  let base = Buffer.from(name, 'utf8')
    .toString('utf8')
    .replace(/[\\/]/g, '_')
    .replace(/[\u0000-\u001f\u007f]/g, ''); // eslint-disable-line no-control-regex
  if (base === '' || base === '.' || base === '..') base = '_';
  return /\.json$/i.test(base) ? base : `${base}.json`;
}

/** The credential as its downloadable file: the stored JSON, indented. */
export function credentialFileContent(data: CredentialData): Uint8Array {
  return strToU8(JSON.stringify(data, null, 2));
}

/**
 * A `Content-Disposition: attachment` value that survives any name (RFC 6266): an ASCII-only
 * `filename` for old clients and the exact name, UTF-8 percent-encoded, in `filename*`.
 */
export function attachmentDisposition(fileName: string): string {
  const fallback = fileName.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

/**
 * The archive entry of each credential: `<name>.json`, in the given order. Two names that map to
 * the same file name (`a/b` and `a_b`) get distinct entries (`a_b (2).json`).
 */
export async function* credentialFiles(
  credentials: AsyncIterable<{ name: string; data: CredentialData }>,
): AsyncGenerator<ZipFile> {
  const taken = new Set<string>();
  for await (const { name, data } of credentials) {
    const fileName = credentialFileName(name);
    let entry = fileName;
    for (let n = 2; taken.has(entry); n++) entry = fileName.replace(/(\.json)$/i, ` (${n})$1`);
    taken.add(entry);
    yield { name: entry, data: credentialFileContent(data) };
  }
}
