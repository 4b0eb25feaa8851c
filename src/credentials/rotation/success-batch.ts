import type { Namespace } from '../../storage/storage-backend.interface';

/** The successes of one credential and model gathered for one write. */
export interface SuccessGroup {
  ns: Namespace;
  name: string;
  modelKey?: string;
  /** How many successful calls the group stands for. */
  count: number;
  /** Unix seconds of the latest of them. */
  at: number;
  /** Settles with the write: whether the credential was found, `undefined` when kept back. */
  done: Promise<boolean | undefined>;
  resolve(found: boolean | undefined): void;
  reject(err: unknown): void;
}

// Names and model keys cannot hold NUL (storage refuses it), so it separates the parts of a key,
// and '' (never a model key: those are non-empty) stands for "no model".
const credentialKey = (ns: Namespace, name: string) => `${ns}\0${name}`;

/**
 * Successful calls gathered in memory between two writes, one group per credential and model:
 * a burst of calls on one credential becomes one write with a count. Groups are kept per
 * credential so that a failure can take out, and write first, exactly that credential's.
 */
export class SuccessBatch {
  private byCredential = new Map<string, Map<string, SuccessGroup>>();
  private gathered = 0;

  /** Successful calls gathered, over all groups. */
  get calls(): number {
    return this.gathered;
  }

  /** Adds one success; returns its group, whose `done` settles when the group is written. */
  add(ns: Namespace, name: string, modelKey: string | undefined, at: number): SuccessGroup {
    const key = credentialKey(ns, name);
    let groups = this.byCredential.get(key);
    if (!groups) this.byCredential.set(key, (groups = new Map()));
    let group = groups.get(modelKey ?? '');
    if (group) {
      group.count++;
      group.at = Math.max(group.at, at);
    } else {
      group = newGroup(ns, name, modelKey, at);
      groups.set(modelKey ?? '', group);
    }
    this.gathered++;
    return group;
  }

  /** Takes out the groups of one credential, latest success last; `undefined` when it has none. */
  take(ns: Namespace, name: string): SuccessGroup[] | undefined {
    const key = credentialKey(ns, name);
    const groups = this.byCredential.get(key);
    if (!groups) return undefined;
    this.byCredential.delete(key);
    return this.taken(groups);
  }

  /** Takes out everything, as the groups of each credential (see take), leaving the batch empty. */
  takeAll(): SuccessGroup[][] {
    const all = [...this.byCredential.values()].map((groups) => this.taken(groups));
    this.byCredential = new Map();
    this.gathered = 0;
    return all;
  }

  private taken(groups: Map<string, SuccessGroup>): SuccessGroup[] {
    const list = [...groups.values()];
    for (const group of list) this.gathered -= group.count;
    // Each write sets the last success: the latest must be written last to stay.
    return list.length > 1 ? list.sort((a, b) => a.at - b.at) : list;
  }
}

/** The key under which the writes of one credential are kept in order. */
export const keyOf = (group: { ns: Namespace; name: string }) =>
  credentialKey(group.ns, group.name);

function newGroup(ns: Namespace, name: string, modelKey: string | undefined, at: number) {
  let resolve!: SuccessGroup['resolve'];
  let reject!: SuccessGroup['reject'];
  const done = new Promise<boolean | undefined>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  return { ns, name, modelKey, count: 1, at, done, resolve, reject };
}
