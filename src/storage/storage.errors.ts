import type { BackendKind } from './storage-backend.interface';

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

/** The caller passed something the storage layer refuses (a bad name, key or value). */
export class StorageValidationError extends StorageError {}

/** No backend could be started; the message lists every candidate's reason. */
export class NoStorageBackendError extends StorageError {}
