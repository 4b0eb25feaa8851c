/** swagger-ui-dist ships no types; the gateway uses only the directory of its assets. */
declare module 'swagger-ui-dist' {
  /** The absolute path of the directory holding swagger-ui-bundle.js, swagger-ui.css, ... */
  export function getAbsoluteFSPath(): string;
}
