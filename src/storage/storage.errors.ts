import type { BackendKind, UsageIncrement } from './storage-backend.interface';

/** Base class of every error the storage layer throws on purpose. */
export class StorageError extends Error {
  constructor(
    message: string,
    readonly backend?: BackendKind,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The backend cannot be reached or has been closed; retry later or check the server. */
export class StorageUnavailableError extends StorageError {}

/**
 * Some of the increments of one `incrementUsage` were written and `unwritten` were not: a
 * backend that cannot add them all in one transaction (MongoDB without a replica set) says
 * which, so that a retry adds only those and the rest are not counted twice.
 */
export class UsageWriteError extends StorageUnavailableError {
  constructor(
    message: string,
    backend?: BackendKind,
    readonly unwritten: readonly UsageIncrement[] = [],
  ) {
    super(message, backend);
  }
}

/**
 * A concurrent writer won (a lock held too long, a unique key taken, a serialisation failure);
 * the same call made again is expected to succeed.
 */
export class StorageConflictError extends StorageError {}

/** The caller passed something the storage layer refuses (a bad name, key or value). */
export class StorageValidationError extends StorageError {}

/** No backend could be started; the message lists every candidate's reason. */
export class NoStorageBackendError extends StorageError {}

/**
 * What a driver's error means, as the backend that owns the driver reads it (see each backend's
 * `classifyError`): `unavailable` (the server is not there, is starting, stopping or full),
 * `conflict` (another writer won; try again) or `failed` (anything else).
 */
export type StorageErrorClass = 'unavailable' | 'conflict' | 'failed';
