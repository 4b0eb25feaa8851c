import { HttpStatus } from '@nestjs/common';
import type { CredentialData } from '../../storage/storage-backend.interface';
import { jsonSyntaxReason } from '../../common/raw-json';
import { parseCredential, validateCredentialName } from '../credential-file';
import type { ImportItem } from './import-items';
import { IMPORT_LIMITS } from './import.constants';

/** A body `/creds/import-text` cannot use; `status` is 400 or 413. */
export class ImportTextError extends Error {
  constructor(
    message: string,
    readonly status: HttpStatus.BAD_REQUEST | HttpStatus.PAYLOAD_TOO_LARGE = HttpStatus.BAD_REQUEST,
  ) {
    super(message);
  }
}

/**
 * Reads `{content, is_antigravity}`: `content` is JSON text or an already parsed value, holding
 * one credential object or an array of them. Returns the values to import, unvalidated.
 */
export function readImportTextBody(body: unknown): {
  credentials: unknown[];
  antigravity: boolean;
} {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new ImportTextError('The body must be a JSON object {content, is_antigravity}');
  }
  const { content, is_antigravity: antigravity } = body as Record<string, unknown>;
  if (antigravity !== undefined && antigravity !== null && typeof antigravity !== 'boolean') {
    throw new ImportTextError('is_antigravity must be true or false');
  }
  if (content === undefined || content === null || content === '') {
    throw new ImportTextError('content is missing: paste one credential object or an array');
  }
  let value = content;
  if (typeof content === 'string') {
    try {
      value = JSON.parse(content.charCodeAt(0) === 0xfeff ? content.slice(1) : content);
    } catch (err) {
      throw new ImportTextError(`content is ${jsonSyntaxReason(err)}`);
    }
  }
  if (value === null || typeof value !== 'object') {
    throw new ImportTextError('content must be a JSON object or an array of objects');
  }
  const credentials = Array.isArray(value) ? value : [value];
  if (credentials.length === 0) throw new ImportTextError('content holds no credentials');
  if (credentials.length > IMPORT_LIMITS.maxTextItems) {
    throw new ImportTextError(
      `content holds more than ${IMPORT_LIMITS.maxTextItems} credentials; split it or upload a ZIP`,
      HttpStatus.PAYLOAD_TOO_LARGE,
    );
  }
  return { credentials, antigravity: antigravity === true };
}

/** `<project_id>.json` when the credential has a project id that makes a safe name. */
export function projectFileName(data: CredentialData): string | null {
  const project = data.project_id;
  if (typeof project !== 'string') return null;
  const name = `${project}.json`;
  return validateCredentialName(name) === null ? name : null;
}

/**
 * Validates and names pasted credentials: `<project_id>.json`, else `imported_<index>.json`.
 * No two items of one request get the same name (`-2`, `-3` are added), and fallback names also
 * avoid the names `isStored` reports, so a pasted credential without a project id never replaces
 * one imported earlier. A credential with a project id does replace the stored one of that name,
 * keeping its state, as a re-upload does.
 */
export function textImportItems(
  credentials: readonly unknown[],
  isStored: (name: string) => boolean,
): ImportItem[] {
  const taken = new Set<string>();
  return credentials.map((json, index): ImportItem => {
    const fallback = `imported_${index}.json`;
    const parsed = parseCredential(json);
    if (!parsed.ok) return { index, filename: fallback, reason: parsed.reason };
    const project = projectFileName(parsed.data);
    const filename =
      (project && unusedName(project, (name) => taken.has(name))) ??
      unusedName(fallback, (name) => taken.has(name) || isStored(name))!;
    taken.add(filename);
    return { index, filename, data: parsed.data };
  });
}

/** `base`, or `base` with `-2`, `-3`, ... before `.json`: the first that is free and safe. */
function unusedName(base: string, isTaken: (name: string) => boolean): string | null {
  const stem = base.slice(0, -'.json'.length);
  for (let n = 1; ; n++) {
    const name = n === 1 ? base : `${stem}-${n}.json`;
    if (validateCredentialName(name) !== null) return null;
    if (!isTaken(name)) return name;
  }
}
