import { Inject } from '@nestjs/common';
import {
  CHANGE_FEED,
  CREDENTIAL_STORE,
  EPHEMERAL_STORE,
  SETTINGS_STORE,
  STORAGE,
  STORAGE_CACHE_STATUS,
  STORAGE_SELECTION,
  USAGE_STORE,
} from './storage.constants';

/** Injects the whole active StorageBackend: only for lifecycle, health and connection facts. */
export const InjectStorage = (): ParameterDecorator => Inject(STORAGE);

/** Injects the StorageSelection report. */
export const InjectStorageSelection = (): ParameterDecorator => Inject(STORAGE_SELECTION);

/** Injects the CredentialStore: credential data, state, summaries and restores. */
export const InjectCredentialStore = (): ParameterDecorator => Inject(CREDENTIAL_STORE);

/** Injects the SettingsStore: persisted config keys and values. */
export const InjectSettingsStore = (): ParameterDecorator => Inject(SETTINGS_STORE);

/** Injects the EphemeralStore: entries with a time-to-live and set-if-absent leases. */
export const InjectEphemeralStore = (): ParameterDecorator => Inject(EPHEMERAL_STORE);

/** Injects the ChangeFeed (most code wants the StorageChanges service built on it instead). */
export const InjectChangeFeed = (): ParameterDecorator => Inject(CHANGE_FEED);

/** Injects the UsageStore: per-day usage counters. */
export const InjectUsageStore = (): ParameterDecorator => Inject(USAGE_STORE);

/** Injects the cache tier's status (CacheTierStatus), or `null` when there is no cache tier. */
export const InjectStorageCacheStatus = (): ParameterDecorator => Inject(STORAGE_CACHE_STATUS);
