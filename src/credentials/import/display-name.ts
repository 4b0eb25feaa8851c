// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
const MAX_SHOWN = 200;

/** A client-given name made safe for a message or a log line: no control characters, bounded. */
export function shown(name: string): string {
  const clean = name.replace(CONTROL, '?');
  return clean.length > MAX_SHOWN ? `${clean.slice(0, MAX_SHOWN)}…` : clean;
}
