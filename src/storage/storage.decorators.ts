import { Inject } from '@nestjs/common';
import { STORAGE, STORAGE_CACHE_STATUS, STORAGE_SELECTION } from './storage.constants';

/** Injects the active StorageBackend. */
export const InjectStorage = (): ParameterDecorator => Inject(STORAGE);

/** Injects the StorageSelection report. */
export const InjectStorageSelection = (): ParameterDecorator => Inject(STORAGE_SELECTION);

/** Injects the cache tier's status (CacheTierStatus), or `null` when there is no cache tier. */
export const InjectStorageCacheStatus = (): ParameterDecorator => Inject(STORAGE_CACHE_STATUS);
