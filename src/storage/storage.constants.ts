/** Injection token of the active StorageBackend. */
export const STORAGE = Symbol('STORAGE');

/** Injection token of the StorageSelection report (what was asked for, tried and chosen). */
export const STORAGE_SELECTION = Symbol('STORAGE_SELECTION');

/** Injection token of the cache tier's status (CacheTierStatus), or `null` without a cache tier. */
export const STORAGE_CACHE_STATUS = Symbol('STORAGE_CACHE_STATUS');
