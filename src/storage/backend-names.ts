/**
 * The user-visible names of the backends, apart from their modules: the candidate list names
 * every configured backend, but loads a backend's module (and its driver: TypeORM and pg,
 * mongoose, better-sqlite3, ioredis) only when that backend is tried.
 */
export const REDIS_BACKEND_NAME = 'Valkey/Redis';
export const POSTGRES_BACKEND_NAME = 'PostgreSQL';
export const MONGODB_BACKEND_NAME = 'MongoDB';
export const SQLITE_BACKEND_NAME = 'SQLite';
