/** C0 controls, DEL and C1 controls: invisible in listings and unsafe in headers and archives. */
// eslint-disable-next-line no-control-regex
export const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * Unicode bidirectional formatting characters (embeddings, overrides, isolates and the implicit
 * marks): they reorder the text around them, so `\u202Egnp.json` is listed as `nosj.png`.
 */
export const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

/** Both sets, for replacing them all in text that is shown. */
export const UNSHOWABLE_CHARS = new RegExp(
  `${CONTROL_CHARS.source.slice(0, -1)}${BIDI_CONTROLS.source.slice(1)}`,
  'g',
);
