/** Injection token of the active StorageBackend. */
export const STORAGE = Symbol('STORAGE');

/** Injection token of the StorageSelection report (what was asked for, tried and chosen). */
export const STORAGE_SELECTION = Symbol('STORAGE_SELECTION');
