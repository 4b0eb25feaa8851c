/**
 * A box of N MiB for a bench's gateway: a memory cgroup (v1 or v2) with that limit, so the
 * gateway runs as on a VPS or a container of that size. Node sizes V8's heap from the memory it
 * may use (a 512 MiB box gives a heap limit of about 256 MiB, this 24 GiB machine about 4 GiB),
 * and V8 then collects sooner: figures taken without a box say what a large machine does.
 * Making a cgroup needs root and a writable cgroup file system; without them this throws, with
 * what is missing.
 */
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface MemoryBox {
  readonly mib: number;
  /** Wraps a command so that it runs inside the box: `sh -c` joins it, then execs. */
  wrap(command: string, args: readonly string[]): [string, string[]];
  /** Times the kernel's out-of-memory killer acted in the box so far. */
  oomKills(): number;
  /** Removes the box once nothing runs in it; never throws. */
  remove(): void;
}

const V1 = '/sys/fs/cgroup/memory';
const V2 = '/sys/fs/cgroup';

export function memoryBox(mib: number, name: string): MemoryBox {
  const bytes = String(mib * 2 ** 20);
  let dir: string;
  let events: () => number;
  if (existsSync(join(V1, 'memory.limit_in_bytes'))) {
    dir = join(V1, name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'memory.limit_in_bytes'), bytes);
    // The box holds memory only: no swap to stretch it (the file is absent without swap accounting).
    if (existsSync(join(dir, 'memory.memsw.limit_in_bytes'))) {
      writeFileSync(join(dir, 'memory.memsw.limit_in_bytes'), bytes);
    }
    events = () => counter(join(dir, 'memory.oom_control'), 'oom_kill');
  } else if (readOr(join(V2, 'cgroup.controllers')).split(/\s+/).includes('memory')) {
    dir = join(V2, name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'memory.max'), bytes);
    writeFileSync(join(dir, 'memory.swap.max'), '0');
    events = () => counter(join(dir, 'memory.events'), 'oom_kill');
  } else {
    throw new Error(
      'BENCH_MEMORY_MB needs a memory cgroup: neither cgroup v1 (/sys/fs/cgroup/memory) nor a v2 ' +
        'memory controller was found',
    );
  }
  const procs = join(dir, 'cgroup.procs');
  return {
    mib,
    wrap: (command, args) => [
      '/bin/sh',
      ['-c', `echo $$ > "$0" && exec "$@"`, procs, command, ...args],
    ],
    oomKills: events,
    remove() {
      try {
        rmdirSync(dir);
      } catch {
        // Still in use, or gone: a later run of the same name reuses it.
      }
    },
  };
}

/** `node` with `args`, inside `box` when there is one: the command and arguments to spawn. */
export function nodeIn(box: MemoryBox | undefined, args: readonly string[]): [string, string[]] {
  return box ? box.wrap(process.execPath, args) : [process.execPath, [...args]];
}

function readOr(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function counter(path: string, key: string): number {
  const match = new RegExp(`^${key} (\\d+)$`, 'm').exec(readOr(path));
  return match ? Number(match[1]) : 0;
}
