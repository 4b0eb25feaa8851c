/** A log line's level: `[time] [LEVEL] …` as text, `{"level":"…",…}` with LOG_FORMAT=json. */
export const levelOf = (line: string): string =>
  (
    /^\[[^\]]*\] \[(\w+)\]/.exec(line)?.[1] ?? /^\{.*?"level":"(\w+)"/.exec(line)?.[1]
  )?.toLowerCase() ?? 'info';
