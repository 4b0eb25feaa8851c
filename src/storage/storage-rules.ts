import { NAMESPACES, type Namespace } from './stores/credential.types';

/**
 * The rotation's rules that storage enforces, decided here once and handed to every backend
 * (their constructors' `rules` option), which passes them to its Lua scripts as ARGV, to its SQL
 * functions as parameters and to its MongoDB updates as arguments: no engine repeats a number.
 */
export interface StorageRules {
  /** How many distinct HTTP error codes a credential's state keeps, most recent last. */
  readonly errorCodesKept: number;
  /**
   * The credential namespaces a call may name. Each backend maps every `Namespace` to its own
   * table, collection or key space (a stored format, typed complete by `Record<Namespace, ...>`).
   */
  readonly namespaces: readonly Namespace[];
}

/** The gateway's rules: the Python original keeps the last ten distinct error codes. */
export const STORAGE_RULES: StorageRules = { errorCodesKept: 10, namespaces: NAMESPACES };
