/**
 * Databases in the Python gcli2api's own layouts, built from its schema as the reference
 * documents it (section 1: SQLite, PostgreSQL, MongoDB, Valkey/Redis; section 9: the upstream
 * project's extra state columns), on the real test servers.
 */
import Database from 'better-sqlite3';
import Redis from 'ioredis';
import { mongo } from 'mongoose';
import { Client } from 'pg';
import type { CredentialState, Namespace } from '../../../src/storage/storage-backend.interface';

interface PythonRow {
  ns: Namespace;
  name: string;
  data: Record<string, unknown>;
  disabled: boolean;
  /** As the Python gateway stored them: it appended without keeping codes distinct. */
  errorCodes: number[];
  lastSuccess: number | null;
  userEmail: string | null;
  cooldowns: Record<string, number>;
  order: number;
}

const cred = (token: string) => ({
  client_id: 'cid.apps.googleusercontent.com',
  client_secret: 'py-secret',
  refresh_token: `py-rt-${token}`,
  token_uri: 'https://oauth2.googleapis.com/token',
  project_id: `proj-${token}`,
});

/** Names sort in rotation order, so the Valkey layout (no order, read sorted) agrees too. */
export const PYTHON_ROWS: PythonRow[] = [
  {
    ns: 'geminicli',
    name: 'a-first.json',
    data: cred('a'),
    disabled: true,
    errorCodes: [429, 429, 500],
    lastSuccess: 1700000000.5,
    userEmail: 'a@example.com',
    cooldowns: { 'gemini-2.5-pro': 4000000000 },
    order: 1,
  },
  {
    ns: 'geminicli',
    name: 'b-second.json',
    data: cred('b'),
    disabled: false,
    errorCodes: [],
    lastSuccess: 1690000000,
    userEmail: null,
    cooldowns: {},
    order: 2,
  },
  {
    ns: 'antigravity',
    name: 'ag-1.json',
    data: cred('ag'),
    disabled: false,
    errorCodes: [403],
    lastSuccess: 1710000000.25,
    userEmail: 'ag@example.com',
    cooldowns: {},
    order: 1,
  },
];

export const PYTHON_SETTINGS = {
  api_password: 's3cret',
  calls_per_rotation: 100,
  retry_429_enabled: false,
};

/**
 * FerretDB refuses `.` in field names, so a Python gateway on it could not have stored a dotted
 * model key: the MongoDB fixture uses `_` there.
 */
const dotless = (cooldowns: Record<string, number>) =>
  Object.fromEntries(
    Object.entries(cooldowns).map(([key, until]) => [key.replace(/\./g, '_'), until]),
  );

/** What every target must hold after migrating any of these layouts. */
export function expectedSnapshot(options: { dotless?: boolean } = {}) {
  const state = (row: PythonRow): CredentialState => ({
    disabled: row.disabled,
    errorCodes: [...new Set(row.errorCodes)],
    lastSuccess: row.lastSuccess,
    userEmail: row.userEmail,
    modelCooldowns: options.dotless ? dotless(row.cooldowns) : row.cooldowns,
    callCount: 0,
    problem: null,
  });
  const of = (ns: Namespace) =>
    PYTHON_ROWS.filter((row) => row.ns === ns).map((row) => ({
      name: row.name,
      data: row.data,
      state: state(row),
    }));
  return { geminicli: of('geminicli'), antigravity: of('antigravity'), settings: PYTHON_SETTINGS };
}

const TABLE: Record<Namespace, string> = {
  geminicli: 'credentials',
  antigravity: 'antigravity_credentials',
};
/** The upstream project (su-kaka/gcli2api) keeps more state per credential. */
const UPSTREAM_COLUMNS = ['error_messages', 'preview', 'tier', 'enable_credit'];

export function writePythonSqlite(file: string, upstream = false) {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  const extra = upstream
    ? `, error_messages TEXT DEFAULT '{}', preview INTEGER DEFAULT 1, tier TEXT, enable_credit INTEGER DEFAULT 0`
    : '';
  for (const table of Object.values(TABLE)) {
    db.exec(`CREATE TABLE ${table} (id INTEGER PRIMARY KEY AUTOINCREMENT, filename TEXT UNIQUE NOT NULL,
      credential_data TEXT NOT NULL, disabled INTEGER DEFAULT 0, error_codes TEXT DEFAULT '[]',
      last_success REAL, user_email TEXT, model_cooldowns TEXT DEFAULT '{}', rotation_order INTEGER DEFAULT 0,
      call_count INTEGER DEFAULT 0, created_at REAL DEFAULT (unixepoch()), updated_at REAL DEFAULT (unixepoch())${extra})`);
  }
  db.exec(`CREATE INDEX idx_disabled ON credentials(disabled); CREATE INDEX idx_rotation_order ON credentials(rotation_order);
    CREATE INDEX idx_ag_disabled ON antigravity_credentials(disabled); CREATE INDEX idx_ag_rotation_order ON antigravity_credentials(rotation_order);
    CREATE TABLE config (key TEXT PRIMARY KEY, value TEXT NOT NULL, updated_at REAL DEFAULT (unixepoch()))`);
  // Inserted out of order: the rotation order, not the row id, is the order.
  for (const row of [...PYTHON_ROWS].reverse()) {
    db.prepare(
      `INSERT INTO ${TABLE[row.ns]} (filename, credential_data, disabled, error_codes, last_success, user_email, model_cooldowns, rotation_order${upstream ? ', error_messages, tier' : ''})
       VALUES (?, ?, ?, ?, ?, ?, ?, ?${upstream ? ', ?, ?' : ''})`,
    ).run(
      row.name,
      JSON.stringify(row.data),
      row.disabled ? 1 : 0,
      JSON.stringify(row.errorCodes),
      row.lastSuccess,
      row.userEmail,
      JSON.stringify(row.cooldowns),
      row.order,
      ...(upstream ? ['{"429":"quota"}', 'free-tier'] : []),
    );
  }
  for (const [key, value] of Object.entries(PYTHON_SETTINGS)) {
    db.prepare('INSERT INTO config (key, value) VALUES (?, ?)').run(key, JSON.stringify(value));
  }
  db.close();
  return UPSTREAM_COLUMNS;
}

export async function writePythonPostgres(dsn: string) {
  const client = new Client({ connectionString: dsn });
  await client.connect();
  try {
    for (const table of Object.values(TABLE)) {
      await client.query(`CREATE TABLE ${table} (id SERIAL PRIMARY KEY, filename TEXT UNIQUE NOT NULL,
        credential_data JSONB NOT NULL, disabled BOOLEAN DEFAULT FALSE, error_codes JSONB DEFAULT '[]',
        last_success DOUBLE PRECISION, user_email TEXT, model_cooldowns JSONB DEFAULT '{}',
        rotation_order INTEGER DEFAULT 0, call_count INTEGER DEFAULT 0,
        created_at DOUBLE PRECISION DEFAULT EXTRACT(EPOCH FROM NOW()), updated_at DOUBLE PRECISION DEFAULT EXTRACT(EPOCH FROM NOW()))`);
    }
    await client.query(`CREATE INDEX idx_cred_disabled ON credentials(disabled); CREATE INDEX idx_cred_rotation ON credentials(rotation_order);
      CREATE TABLE config (key TEXT PRIMARY KEY, value JSONB NOT NULL, updated_at DOUBLE PRECISION)`);
    for (const row of [...PYTHON_ROWS].reverse()) {
      await client.query(
        `INSERT INTO ${TABLE[row.ns]} (filename, credential_data, disabled, error_codes, last_success, user_email, model_cooldowns, rotation_order)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [
          row.name,
          JSON.stringify(row.data),
          row.disabled,
          JSON.stringify(row.errorCodes),
          row.lastSuccess,
          row.userEmail,
          JSON.stringify(row.cooldowns),
          row.order,
        ],
      );
    }
    for (const [key, value] of Object.entries(PYTHON_SETTINGS)) {
      await client.query('INSERT INTO config (key, value) VALUES ($1, $2)', [
        key,
        JSON.stringify(value),
      ]);
    }
  } finally {
    await client.end();
  }
}

export async function writePythonMongo(uri: string, upstream = false) {
  const client = new mongo.MongoClient(uri, { serverSelectionTimeoutMS: 5_000 });
  await client.connect();
  try {
    const db = client.db();
    for (const [ns, collection] of Object.entries(TABLE)) {
      await db.collection(collection).createIndex({ filename: 1 }, { unique: true });
      const docs = PYTHON_ROWS.filter((row) => row.ns === ns)
        .reverse()
        .map((row) => ({
          filename: row.name,
          credential_data: row.data,
          disabled: row.disabled,
          error_codes: row.errorCodes,
          last_success: row.lastSuccess,
          user_email: row.userEmail,
          model_cooldowns: dotless(row.cooldowns),
          rotation_order: row.order,
          call_count: 0,
          created_at: 1690000000,
          updated_at: 1690000000,
          ...(upstream
            ? {
                error_messages: { '429': 'quota' },
                preview: true,
                tier: 'free-tier',
                enable_credit: false,
              }
            : {}),
        }));
      if (docs.length) await db.collection(collection).insertMany(docs);
    }
    await db.collection('config').insertMany(
      Object.entries(PYTHON_SETTINGS).map(([key, value]) => ({
        key,
        value,
        updated_at: 1690000000,
      })),
    );
  } finally {
    await client.close();
  }
}

/** The Valkey layout: state fields mixed into the credential hash, every value JSON-encoded. */
export async function writePythonRedis(url: string, prefix: string) {
  const client = new Redis(url);
  try {
    const segment: Record<Namespace, string> = { geminicli: 'creds', antigravity: 'ag_creds' };
    for (const row of PYTHON_ROWS) {
      const fields: Record<string, string> = {};
      for (const [key, value] of Object.entries(row.data)) fields[key] = JSON.stringify(value);
      Object.assign(fields, {
        disabled: JSON.stringify(row.disabled),
        error_codes: JSON.stringify(row.errorCodes),
        last_success: JSON.stringify(row.lastSuccess),
        user_email: JSON.stringify(row.userEmail),
        model_cooldowns: JSON.stringify(row.cooldowns),
      });
      await client.hset(`${prefix}${segment[row.ns]}:${row.name}`, fields);
      await client.sadd(`${prefix}${segment[row.ns]}_index`, row.name);
    }
    // Python wrote strings as str(v) (no quotes), numbers as text and bools as JSON.
    await client.hset(`${prefix}config`, {
      api_password: 's3cret',
      calls_per_rotation: '100',
      retry_429_enabled: 'false',
    });
  } finally {
    await client.quit();
  }
}
