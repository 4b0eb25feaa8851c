import { Logger } from '@nestjs/common';
import type { Command } from 'commander';
import { validateEnv } from '../../env/env.schema';
import { selectBackend } from '../../storage/select-backend';
import { storageCandidates } from '../../storage/storage-candidates';
import { type CacheTierStatus, describeTiers } from '../../storage/tier/cache-tier-report';
import { CliError, EXIT } from '../cli.errors';
import { CliStore } from '../storage/cli-storage.adapter';
import { parseLocation } from '../storage/storage-location';
import { runCommand } from '../run-command';
import { jsonOption, reporterFor } from './command-options';

interface InfoFlags {
  url?: string;
  json?: boolean;
  keyPrefix?: string;
}

/** `storage info`: what `GET /api/auth/storage-info` shows, without a running server. */
export function registerStorageInfo(storage: Command) {
  storage
    .command('info')
    .description('show which backend the environment (or --url) selects, if it answers, and counts')
    .option('--url <url|path>', 'a storage URL or SQLite file instead of the environment')
    .option('--key-prefix <prefix>', 'Valkey/Redis key prefix (default REDIS_KEY_PREFIX or gcli:)')
    .addOption(jsonOption())
    .action(runCommand((flags: InfoFlags) => info(flags)));
}

async function info(flags: InfoFlags) {
  const reporter = reporterFor(flags);
  const started = performance.now();
  let store: CliStore;
  let selection: Record<string, unknown> = {};
  let cache: CacheTierStatus | undefined;
  if (flags.url) {
    const location = parseLocation(flags.url, '--url', true);
    store = await CliStore.open(location, { keyPrefix: flags.keyPrefix });
  } else {
    store = await fromEnvironment((found, tier) => {
      selection = found;
      cache = tier;
    });
  }
  try {
    const connectMs = performance.now() - started;
    const pingStarted = performance.now();
    await store.ping();
    const pingMs = Math.round((performance.now() - pingStarted) * 100) / 100;
    const { kind, counts, ...connection } = await store.info();
    const tiers =
      cache && (await describeTiers({ backend: kind, target: connection.target, pingMs }, cache));
    const result = {
      backend: kind,
      ...selection,
      connection,
      counts,
      ping_ms: pingMs,
      ...(tiers ? { tiers } : {}),
    };
    reporter.result(result, [
      `backend: ${kind}${selection.degraded ? ` (degraded: ${String(selection.requested)} was configured)` : ''}`,
      `target: ${connection.target}`,
      `reachable: yes (connect ${Math.round(connectMs)} ms, ping ${pingMs} ms)`,
      `credentials: ${counts.geminicli} geminicli, ${counts.antigravity} antigravity`,
      `settings: ${counts.config}`,
      ...(tiers ? tierLines(tiers) : []),
    ]);
    return EXIT.ok;
  } finally {
    await store.close();
  }
}

/** One line per tier: its role, backend, redacted target and state (with why it is not up). */
function tierLines(tiers: Awaited<ReturnType<typeof describeTiers>>): string[] {
  return [tiers.primary, tiers.cache].map((tier) => {
    const why = 'reason' in tier && tier.reason ? ` (${tier.reason})` : '';
    const ping = tier.ping_ms === undefined ? '' : `, ping ${tier.ping_ms} ms`;
    return `${tier.role}: ${tier.backend} at ${tier.target}: ${tier.state}${why}${ping}`;
  });
}

/** The backend the server would pick now, failover included, with what was tried. */
async function fromEnvironment(
  report: (selection: Record<string, unknown>, cache: CacheTierStatus | undefined) => void,
) {
  const env = validateEnv(process.env);
  // The cache tier logs its state changes through Nest's Logger, for a server's log: here they
  // would land in the command's output (and break --json); the result reports the state instead.
  Logger.overrideLogger(false);
  try {
    const { storage, selection, cache } = await selectBackend(storageCandidates(env), {
      fallback: env.STORAGE_FALLBACK,
      connectTimeoutMs: env.STORAGE_CONNECT_TIMEOUT_MS,
      logger: silentLogger,
    });
    report(
      {
        requested: selection.requested,
        degraded: selection.degraded,
        fallback_enabled: selection.fallbackEnabled,
        attempts: selection.attempts.map((a) => ({
          backend: a.backend,
          target: a.target,
          ok: a.ok,
          ...(a.error === undefined ? {} : { error: a.error }),
          duration_ms: a.durationMs,
        })),
      },
      cache,
    );
    const winner = selection.attempts[selection.attempts.length - 1];
    return CliStore.adopt(storage, winner.target);
  } catch (err) {
    throw new CliError((err as Error).message, EXIT.unavailable);
  }
}

const silentLogger = { log() {}, error() {}, warn() {} };
