import { CooldownHeap } from './cooldown-heap';
import { EligibilityBitmap } from './eligibility-bitmap';

/** What the index is built from: the state of one namespace, without any secret. */
export interface IndexSnapshot {
  /** Every credential name, in insertion order. */
  names: readonly string[];
  /** Names of the disabled credentials. */
  disabled: Iterable<string>;
  /** Live cooldowns by credential: model key to unix seconds. */
  cooldowns: Iterable<{ name: string; modelCooldowns: Record<string, number> }>;
  /** The store's mark of `names` (see RotationState.namesMark), kept for the next load. */
  namesMark?: string | null;
  /** The previous index's `names` when `names` is them with names appended (an import). */
  appendedTo?: readonly string[];
}

/** The round-robin position for one model key: `uses` picks so far on the current credential. */
interface Cursor {
  name: string;
  position: number;
  uses: number;
}

/** Per model key: who may serve it now, which cooldowns end when, and where the rotation is. */
interface ModelView {
  eligible: EligibilityBitmap;
  heap: CooldownHeap;
  current: number;
  uses: number;
}

/**
 * The in-memory rotation state of one namespace: names in insertion order, the enabled set, the
 * cooldowns, and one eligibility bitmap per model key. A pick costs the same at 100 or 100,000
 * credentials: expired cooldowns come off a heap, and the next eligible credential is one bitmap
 * search away (see EligibilityBitmap). Pure and synchronous; the service does the I/O.
 */
export class RotationIndex {
  /** Every credential name, in insertion order; never changed, so a later index may share it. */
  readonly names: readonly string[];
  /** The store's mark of `names`; `null` or absent when the store gave none. */
  readonly namesMark?: string | null;
  /**
   * Name to position in `names`; shared with the index built from the same names, or with names
   * appended (the map is then extended: an older index never looks up a name it does not hold,
   * and a position past its end is out of its bitmaps' range).
   */
  private readonly positions: Map<string, number>;
  private readonly enabled: EligibilityBitmap;
  /** Model key to position to unix seconds; may hold expired entries until the heap drops them. */
  private readonly cooldowns = new Map<string, Map<number, number>>();
  private readonly views = new Map<string, ModelView>();
  private readonly carried = new Map<string, Cursor>();

  /**
   * Builds the index; `previous` hands over its rotation positions, by credential name, and its
   * name map when `snapshot.names` is its very `names` array (a reload that found the names
   * unchanged): then the build costs the disabled and cooling credentials, not the whole pool.
   */
  constructor(snapshot: IndexSnapshot, previous?: RotationIndex) {
    this.names = snapshot.names;
    this.namesMark = snapshot.namesMark;
    this.positions =
      RotationIndex.sharedPositions(snapshot, previous) ?? positionsOf(snapshot.names);
    this.enabled = EligibilityBitmap.full(this.names.length);
    for (const name of snapshot.disabled) this.enabled.delete(this.positions.get(name) ?? -1);
    for (const { name, modelCooldowns } of snapshot.cooldowns) {
      const position = this.positions.get(name);
      if (position === undefined) continue;
      for (const [modelKey, until] of Object.entries(modelCooldowns)) {
        this.cooldownsOf(modelKey).set(position, until);
      }
    }
    for (const [modelKey, cursor] of previous?.cursors() ?? []) this.carried.set(modelKey, cursor);
  }

  /** How many credentials the namespace has, disabled ones included. */
  get size(): number {
    return this.names.length;
  }

  /**
   * The credential to use next for `modelKey`: the current one while it is eligible and has served
   * fewer than `callsPerRotation` picks, else the next eligible one in insertion order; `null`
   * when none is eligible.
   */
  pick(modelKey: string, now: number, callsPerRotation: number): string | null {
    const view = this.view(modelKey, now);
    if (view.eligible.count === 0) return null;
    if (view.current >= 0 && view.uses < callsPerRotation && view.eligible.has(view.current)) {
      view.uses++;
      return this.names[view.current];
    }
    view.current = view.eligible.next(view.current + 1);
    view.uses = 1;
    return this.names[view.current];
  }

  /** How many credentials may serve `modelKey` now. */
  eligibleCount(modelKey: string, now: number): number {
    return this.view(modelKey, now).eligible.count;
  }

  /** Whether `name` may serve `modelKey` now. */
  isEligible(name: string, modelKey: string, now: number): boolean {
    const position = this.positions.get(name);
    return position !== undefined && this.view(modelKey, now).eligible.has(position);
  }

  setDisabled(name: string, disabled: boolean, now: number): void {
    const position = this.positions.get(name);
    if (position === undefined) return;
    if (disabled) {
      this.enabled.delete(position);
      for (const view of this.views.values()) view.eligible.delete(position);
      return;
    }
    this.enabled.add(position);
    for (const [modelKey, view] of this.views) {
      const until = this.cooldowns.get(modelKey)?.get(position);
      if (until === undefined || until <= now) view.eligible.add(position);
    }
  }

  /** Starts (`until` in unix seconds) or ends (`null`) one model's cooldown. */
  setCooldown(name: string, modelKey: string, until: number | null, now: number): void {
    const position = this.positions.get(name);
    if (position === undefined) return;
    const view = this.views.get(modelKey);
    if (until === null || until <= now) {
      this.cooldowns.get(modelKey)?.delete(position);
      if (view && this.enabled.has(position)) view.eligible.add(position);
      return;
    }
    this.cooldownsOf(modelKey).set(position, until);
    if (view) {
      view.eligible.delete(position);
      view.heap.push({ until, position });
    }
  }

  /** Ends the current rotation turn of `name`, so the next pick moves on (after a failure). */
  rotateAway(name: string): void {
    const position = this.positions.get(name);
    for (const view of this.views.values()) if (view.current === position) view.uses = Infinity;
  }

  /** The rotation positions, for the index that replaces this one. */
  private *cursors(): Iterable<[string, Cursor]> {
    yield* this.carried;
    for (const [modelKey, view] of this.views) {
      if (view.current < 0) continue;
      const cursor = { name: this.names[view.current], position: view.current, uses: view.uses };
      yield [modelKey, cursor];
    }
  }

  private cooldownsOf(modelKey: string): Map<number, number> {
    let map = this.cooldowns.get(modelKey);
    if (!map) this.cooldowns.set(modelKey, (map = new Map()));
    return map;
  }

  /** The model's view with cooldowns that ended by `now` released; built on first use. */
  private view(modelKey: string, now: number): ModelView {
    let view = this.views.get(modelKey);
    if (!view) {
      view = this.buildView(modelKey);
      this.views.set(modelKey, view);
    }
    const cooldowns = this.cooldowns.get(modelKey);
    for (let entry = view.heap.popExpired(now); entry; entry = view.heap.popExpired(now)) {
      if (cooldowns?.get(entry.position) !== entry.until) continue;
      cooldowns.delete(entry.position);
      if (this.enabled.has(entry.position)) view.eligible.add(entry.position);
    }
    return view;
  }

  private buildView(modelKey: string): ModelView {
    const view: ModelView = {
      eligible: this.enabled.clone(),
      heap: new CooldownHeap(),
      current: -1,
      uses: 0,
    };
    for (const [position, until] of this.cooldowns.get(modelKey) ?? []) {
      view.eligible.delete(position);
      view.heap.push({ until, position });
    }
    const cursor = this.carried.get(modelKey);
    if (cursor) {
      this.carried.delete(modelKey);
      const position = this.positions.get(cursor.name);
      if (position !== undefined) {
        view.current = position;
        view.uses = cursor.uses;
      } else {
        // A credential that is gone hands its turn to whoever now holds its place.
        view.current = cursor.position - 1;
        view.uses = Infinity;
      }
    }
    return view;
  }

  /** The previous index's name map, extended by the appended names, when it can serve `snapshot`. */
  private static sharedPositions(
    snapshot: IndexSnapshot,
    previous?: RotationIndex,
  ): Map<string, number> | undefined {
    if (!previous) return undefined;
    if (snapshot.names === previous.names) return previous.positions;
    const base = previous.names;
    if (snapshot.appendedTo !== base || previous.positions.size !== base.length) return undefined;
    const { names } = snapshot;
    for (let i = base.length; i < names.length; i++) {
      if (previous.positions.has(names[i])) return undefined;
    }
    for (let i = base.length; i < names.length; i++) previous.positions.set(names[i], i);
    return previous.positions;
  }
}

function positionsOf(names: readonly string[]): Map<string, number> {
  const positions = new Map<string, number>();
  for (let i = 0; i < names.length; i++) positions.set(names[i], i);
  return positions;
}
