/**
 * swagger-ui-dist ships no types; the gateway uses only the directory of its assets. Its index
 * loads the whole 1.4 MB UI bundle into the process, so the gateway imports the one file that
 * computes the directory.
 */
declare module 'swagger-ui-dist/absolute-path' {
  /** The absolute path of the directory holding swagger-ui-bundle.js, swagger-ui.css, ... */
  function getAbsoluteFSPath(): string;
  export default getAbsoluteFSPath;
}
