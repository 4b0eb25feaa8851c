/**
 * Injection token of the whole active StorageBackend: lifecycle, health, connection facts and the
 * command line. Feature code injects one of the role tokens below instead.
 */
export const STORAGE = Symbol('STORAGE');

/** Injection token of the StorageSelection report (what was asked for, tried and chosen). */
export const STORAGE_SELECTION = Symbol('STORAGE_SELECTION');

/** The CredentialStore role of the active backend (the same object as STORAGE). */
export const CREDENTIAL_STORE = Symbol('CREDENTIAL_STORE');

/** The SettingsStore role of the active backend (the same object as STORAGE). */
export const SETTINGS_STORE = Symbol('SETTINGS_STORE');

/** The EphemeralStore role of the active backend (the same object as STORAGE). */
export const EPHEMERAL_STORE = Symbol('EPHEMERAL_STORE');

/** The ChangeFeed role of the active backend (the same object as STORAGE). */
export const CHANGE_FEED = Symbol('CHANGE_FEED');

/** The UsageStore role of the active backend (the same object as STORAGE). */
export const USAGE_STORE = Symbol('USAGE_STORE');

/** Every role token: each is an alias of STORAGE, so a role costs no wrapper and no connection. */
export const ROLE_TOKENS = [
  CREDENTIAL_STORE,
  SETTINGS_STORE,
  EPHEMERAL_STORE,
  CHANGE_FEED,
  USAGE_STORE,
] as const;
/** Injection token of the cache tier's status (CacheTierStatus), or `null` without a cache tier. */
export const STORAGE_CACHE_STATUS = Symbol('STORAGE_CACHE_STATUS');
