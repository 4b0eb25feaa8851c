import Database from 'better-sqlite3';
import { ReplyError } from 'ioredis';
import mongoose from 'mongoose';
import { Client, DatabaseError } from 'pg';
import { classifyMongoError } from './mongodb/mongo-errors';
import { classifyRedisError } from './redis/redis-errors';
import { classifyPgError } from './sql/pg-errors';
import { classifySqliteError } from './sql/sqlite-errors';

const pgError = (code: string) =>
  Object.assign(new DatabaseError('server said no', 1, 'error'), { code });

/** Each backend reads its own driver's errors; the wrapper only turns the class into a type. */
describe('driver error classification', () => {
  it('PostgreSQL: a refused connection, a server going down and a timeout are unavailable', async () => {
    const refused = await new Client({ host: '127.0.0.1', port: 1 }).connect().catch((e) => e);
    expect(classifyPgError(refused)).toBe('unavailable');
    for (const code of ['08006', '57P01', '57P03', '53300', '57014']) {
      expect(classifyPgError(pgError(code))).toBe('unavailable');
    }
    expect(classifyPgError(new Error('Connection terminated unexpectedly'))).toBe('unavailable');
  });

  it('PostgreSQL: a lost race is a conflict, a bad statement a failure', () => {
    expect(classifyPgError(pgError('23505'))).toBe('conflict');
    expect(classifyPgError(pgError('40001'))).toBe('conflict');
    expect(classifyPgError({ driverError: pgError('40P01') })).toBe('conflict');
    expect(classifyPgError(pgError('42601'))).toBe('failed');
  });

  it('SQLite: a closed handle is unavailable, a taken key a conflict, bad SQL a failure', () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE t (k TEXT PRIMARY KEY)');
    db.prepare('INSERT INTO t VALUES (?)').run('a');
    const taken = catchSync(() => db.prepare('INSERT INTO t VALUES (?)').run('a'));
    const bad = catchSync(() => db.exec('SELEC 1'));
    db.close();
    const closed = catchSync(() => db.prepare('SELECT 1'));
    expect(classifySqliteError(taken)).toBe('conflict');
    expect(classifySqliteError(bad)).toBe('failed');
    expect(classifySqliteError(closed)).toBe('unavailable');
    expect(
      classifySqliteError(Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' })),
    ).toBe('conflict');
  });

  it('Valkey/Redis: a loading or leaderless server is unavailable, a wrong command a failure', () => {
    expect(classifyRedisError(new ReplyError('LOADING Redis is loading the dataset'))).toBe(
      'unavailable',
    );
    expect(classifyRedisError(new ReplyError('CLUSTERDOWN The cluster is down'))).toBe(
      'unavailable',
    );
    expect(classifyRedisError(new ReplyError('WRONGTYPE Operation against a key'))).toBe('failed');
    expect(classifyRedisError(Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }))).toBe(
      'unavailable',
    );
  });

  it('MongoDB: network and selection errors are unavailable, a duplicate key a conflict', () => {
    const { mongo } = mongoose;
    expect(classifyMongoError(new mongo.MongoNetworkError('socket hang up'))).toBe('unavailable');
    expect(classifyMongoError(new mongo.MongoNetworkTimeoutError('timed out'))).toBe('unavailable');
    const server = (code: number, errmsg: string) => new mongo.MongoServerError({ code, errmsg });
    expect(classifyMongoError(server(11000, 'E11000 duplicate key'))).toBe('conflict');
    expect(classifyMongoError(server(91, 'shutdown in progress'))).toBe('unavailable');
    expect(classifyMongoError(server(2, 'bad value'))).toBe('failed');
  });

  it('MongoDB: a dropped socket is unavailable whatever driver class carries it', () => {
    const { mongo } = mongoose;
    expect(classifyMongoError(new mongo.MongoError('read ECONNRESET'))).toBe('unavailable');
    expect(classifyMongoError(new mongo.MongoServerError({ errmsg: 'write EPIPE' }))).toBe(
      'unavailable',
    );
    const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    expect(classifyMongoError(new mongo.MongoError('wrapped', { cause: reset }))).toBe(
      'unavailable',
    );
    expect(classifyMongoError(new mongo.MongoError('not ECONNRESETTING'))).toBe('failed');
  });
});

function catchSync(op: () => unknown): unknown {
  try {
    op();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}
