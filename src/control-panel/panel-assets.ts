import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

/** One built file of the panel, ready to send. */
export interface PanelAsset {
  body: Buffer;
  /** The same bytes gzipped, sent to clients that accept gzip; absent when it would not shrink. */
  gzip?: Buffer;
  contentType: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Where `npm run build` puts the panel (`vite build` of `panel/`): `dist/panel`, next to this
 * module's compiled folder. Under Jest (ES modules, no `__dirname`) the tests run from the
 * repository root, where the same folder is `dist/panel`.
 */
export function defaultPanelDir(): string {
  return typeof __dirname === 'string' ? join(__dirname, '..', 'panel') : resolve('dist/panel');
}

/**
 * The built panel, read into memory once: `index.html` and the hashed files under `assets/`.
 * A few small files, so every request is a map look-up and nothing touches the disk after start.
 */
export class PanelAssets {
  private readonly files = new Map<string, PanelAsset>();

  constructor(readonly dir: string) {
    if (!existsSync(join(dir, 'index.html'))) return;
    this.files.set('index.html', load(join(dir, 'index.html')));
    const assets = join(dir, 'assets');
    if (!existsSync(assets)) return;
    for (const name of readdirSync(assets)) {
      this.files.set(`assets/${name}`, load(join(assets, name)));
    }
  }

  /** Whether the panel was built (`index.html` exists). */
  get built(): boolean {
    return this.files.has('index.html');
  }

  /** The file at `path` (`index.html` or `assets/<name>`), or `undefined`. */
  get(path: string): PanelAsset | undefined {
    return this.files.get(path);
  }
}

function load(path: string): PanelAsset {
  const body = readFileSync(path);
  const contentType = TYPES[extname(path)] ?? 'application/octet-stream';
  const gzip = gzipSync(body, { level: 9 });
  return { body, contentType, ...(gzip.length < body.length ? { gzip } : {}) };
}
