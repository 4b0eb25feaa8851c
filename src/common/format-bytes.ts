const MiB = 1024 * 1024;

/** `1048576` as `1 MiB`, `102400` as `100 KiB`, for messages. */
export function formatBytes(bytes: number): string {
  return bytes >= MiB ? `${bytes / MiB} MiB` : `${bytes / 1024} KiB`;
}
