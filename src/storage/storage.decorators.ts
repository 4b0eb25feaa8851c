import { Inject } from '@nestjs/common';
import { STORAGE, STORAGE_SELECTION } from './storage.constants';

/** Injects the active StorageBackend. */
export const InjectStorage = (): ParameterDecorator => Inject(STORAGE);

/** Injects the StorageSelection report. */
export const InjectStorageSelection = (): ParameterDecorator => Inject(STORAGE_SELECTION);
