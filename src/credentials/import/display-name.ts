import { UNSHOWABLE_CHARS } from '../../common/unsafe-chars';

const MAX_SHOWN = 200;

/** A client-given name made safe for a message or a log line: no control or bidirectional formatting characters, bounded. */
export function shown(name: string): string {
  const clean = name.replace(UNSHOWABLE_CHARS, '?');
  return clean.length > MAX_SHOWN ? `${clean.slice(0, MAX_SHOWN)}…` : clean;
}
