/**
 * Import benchmark: 10,000 credential files in ONE multipart upload, through HTTP, into the whole
 * gateway (AppModule) running in process, on every backend. Also times the same upload again
 * (every credential updated, state kept) and the 10,000 files as one ZIP archive (into the
 * antigravity namespace, so new credentials again).
 *
 * The re-upload is skipped on MongoDB unless BENCH_IMPORT_REUPLOAD=1: the backend rewrites
 * existing credentials one `updateOne` at a time, and FerretDB (the test server) scans the
 * collection for each, so 10,000 updates take many minutes there.
 * Run with `npm run bench:import`; it starts its own servers (or uses BENCH_REDIS_URL,
 * BENCH_POSTGRES_DSN, BENCH_MONGODB_URI) and stops them at the end. BENCH_ONLY=sqlite,valkey
 * picks backends.
 *
 * The gateway reads its environment once per process, so each backend runs in a child process
 * (this file with the argument `child`), which prints its figures as one JSON line.
 */
import { spawn } from 'node:child_process';
import { zipSync } from 'fflate';
import { GATEWAY_APP_OPTIONS } from '../src/app.options';
import { createPostgresDatabase } from '../test/support/servers';
import { benchServers } from './bench-servers';
import { tempDir } from '../test/support/temp-dir';
import { runBench } from './run-bench';
import { type AuthHeaders, panelLogin } from '../test/support/panel-login';
import { benchCredential } from './bench-credential';

const FILES = 10_000;
const CHILD_TIMEOUT_MS = 180_000;

interface Figures {
  backend: string;
  upload: number;
  reupload: number | null;
  zip: number;
  bodyMiB: number;
}

/** A multipart body encoded up front, so that only the request itself is timed. */
async function multipart(files: Array<[string, Uint8Array]>) {
  const form = new FormData();
  for (const [name, bytes] of files) form.append('files', new Blob([bytes]), name);
  const encoded = new Response(form);
  const type = encoded.headers.get('content-type')!;
  return { type, body: new Uint8Array(await encoded.arrayBuffer()) };
}

async function timedUpload(
  url: string,
  auth: AuthHeaders,
  body: { type: string; body: Uint8Array },
  path = '/auth/upload',
) {
  const started = performance.now();
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { ...auth, 'content-type': body.type },
    body: body.body,
  });
  const result = (await response.json()) as { uploaded_count?: number; message?: string };
  const seconds = (performance.now() - started) / 1000;
  if (response.status !== 200 || result.uploaded_count !== FILES) {
    throw new Error(`upload failed: ${response.status} ${result.message}`);
  }
  return seconds;
}

/** In the child: the gateway in process, with the backend the environment names. */
async function child() {
  await import('reflect-metadata');
  const { NestFactory } = await import('@nestjs/core');
  const { AppModule } = await import('../src/app.module');
  const { SettingsService } = await import('../src/config/settings.service');
  const app = await NestFactory.create(AppModule, { ...GATEWAY_APP_OPTIONS, logger: ['error'] });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  const url = `http://127.0.0.1:${port}`;
  try {
    // The upload routes need a panel session (the default password, as configured here).
    const auth = await panelLogin(url, app.get(SettingsService).panelPassword().value);
    const encoder = new TextEncoder();
    const files: Array<[string, Uint8Array]> = Array.from({ length: FILES }, (_, i) => [
      `bench-${i}.json`,
      encoder.encode(JSON.stringify(benchCredential(i))),
    ]);
    const body = await multipart(files);
    const upload = await timedUpload(url, auth, body);
    const skipReupload =
      process.env.BENCH_BACKEND === 'mongodb' && process.env.BENCH_IMPORT_REUPLOAD !== '1';
    const reupload = skipReupload ? null : await timedUpload(url, auth, body);
    const archive = zipSync(
      Object.fromEntries(files.map(([name, bytes]) => [`zipped/${name}`, bytes])),
    );
    const zipBody = await multipart([['bench.zip', archive]]);
    const zip = await timedUpload(url, auth, zipBody, '/antigravity/upload');
    const figures: Omit<Figures, 'backend'> = {
      upload,
      reupload,
      zip,
      bodyMiB: body.body.length / 1024 / 1024,
    };
    process.stdout.write(`RESULT ${JSON.stringify(figures)}\n`);
  } finally {
    await app.close();
  }
}

function runChild(backend: string, env: Record<string, string>): Promise<Figures> {
  return new Promise((resolve, reject) => {
    const proc = spawn(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', __filename, 'child'],
      {
        env: {
          PATH: process.env.PATH ?? '',
          AUTO_IMPORT_CREDS: 'false',
          BENCH_BACKEND: backend,
          BENCH_IMPORT_REUPLOAD: process.env.BENCH_IMPORT_REUPLOAD ?? '',
          ...env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    proc.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    proc.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => proc.kill('SIGKILL'), CHILD_TIMEOUT_MS);
    proc.on('exit', (code) => {
      clearTimeout(timer);
      const line = /^RESULT (.+)$/m.exec(output);
      if (code === 0 && line)
        resolve({ backend, ...(JSON.parse(line[1]) as Omit<Figures, 'backend'>) });
      else reject(new Error(`${backend}: child exited with ${code}\n${output}`));
    });
  });
}

async function main() {
  const servers = await benchServers();
  const { wanted, redis: redisUrl, postgres: postgresDsn, mongodb: mongoUri } = servers;
  const dir = tempDir('gcli-bench-import-');
  try {
    const tag = `${process.pid}_${Date.now()}`;
    const targets: Array<[string, () => Promise<Record<string, string>>]> = [
      ['sqlite', async () => ({ CREDENTIALS_DIR: `${dir.path}/sqlite` })],
      ['valkey', async () => ({ REDIS_URL: redisUrl, REDIS_KEY_PREFIX: `bench-import:${tag}:` })],
      [
        'postgresql',
        async () => ({
          POSTGRES_DSN: await createPostgresDatabase(postgresDsn, `gcli_bench_import_${tag}`),
        }),
      ],
      ['mongodb', async () => ({ MONGODB_URI: mongoUri, MONGODB_DATABASE: `gcli_bench_${tag}` })],
    ];
    console.log(`# import bench: ${FILES} credential files in ONE upload, over HTTP, in process`);
    console.log(
      '| backend | multipart upload (new) | same upload again (updates) | one ZIP of all | body |',
    );
    console.log('|---|---:|---:|---:|---:|');
    for (const [backend, env] of targets.filter(([kind]) => wanted(kind))) {
      const figures = await runChild(backend, {
        CREDENTIALS_DIR: `${dir.path}/${backend}`,
        STORAGE_FALLBACK: 'false',
        ...(await env()),
      });
      const reupload = figures.reupload === null ? 'skipped' : `${figures.reupload.toFixed(2)} s`;
      console.log(
        `| ${backend} | ${figures.upload.toFixed(2)} s | ${reupload} | ${figures.zip.toFixed(2)} s | ${figures.bodyMiB.toFixed(1)} MiB |`,
      );
    }
  } finally {
    await servers.dispose();
    dir.remove();
  }
}

runBench(process.argv[2] === 'child' ? child : main);
