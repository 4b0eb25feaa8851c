import { createHash } from 'node:crypto';
import type { Namespace } from '../../storage/storage-backend.interface';
import type { ProgressReporter } from '../progress.reporter';
import type { CliStore } from '../storage/cli-storage.adapter';
import { normalizeState } from './normalize-state';
import { canonicalJson, readAhead, type TransferItem, type TransferSource } from './transfer.types';

/** Names listed per kind of outcome in a report; the counts are always complete. */
const LISTED = 10;

export interface MigrateOptions {
  namespaces: readonly Namespace[];
  credentials: boolean;
  settings: boolean;
  /** Work out and report what would change, write nothing. */
  dryRun: boolean;
  /** Replace what differs on the target instead of keeping it. */
  overwrite: boolean;
  /** Credentials read and written per page. */
  pageSize: number;
  /** Set when the user asks to stop; the current page is finished first. */
  stop: { requested: boolean };
}

/** What happened (or, in a dry run, would happen) to one namespace or to the settings. */
export interface Outcome {
  source: number;
  created: number;
  updated: number;
  unchanged: number;
  /** Present on both sides with different content; the target's was kept. */
  kept: number;
  /** The first few names (or keys) that were kept. */
  keptNames: string[];
}

export interface MigrateReport {
  dryRun: boolean;
  interrupted: boolean;
  credentials: Partial<Record<Namespace, Outcome>>;
  settings?: Outcome;
}

const emptyOutcome = (): Outcome => ({
  source: 0,
  created: 0,
  updated: 0,
  unchanged: 0,
  kept: 0,
  keptNames: [],
});

/**
 * Copies credentials (data and whole state) and settings from a source to a target store.
 * Conflict rule: a name on both sides with different content keeps the target's version (the
 * target is the store in use, so its state is the newer one) unless `overwrite`.
 *
 * Resumable: before a page is written its names go into a journal entry on the target and are
 * cleared after, so a run killed half-way through a page replaces exactly those names next time
 * and skips the pages that landed (they compare equal).
 */
export async function migrate(
  source: TransferSource,
  target: CliStore,
  options: MigrateOptions,
  progress: ProgressReporter,
): Promise<MigrateReport> {
  const report: MigrateReport = { dryRun: options.dryRun, interrupted: false, credentials: {} };
  const journalKey = `cli:migrate:${createHash('sha256').update(`${source.shown}\n${target.shown}`).digest('hex').slice(0, 24)}`;
  if (options.credentials) {
    for (const ns of options.namespaces) {
      if (options.stop.requested) break;
      report.credentials[ns] = await migrateNamespace(source, target, ns, options, progress, {
        key: `${journalKey}:${ns}`,
      });
    }
  }
  if (options.settings && !options.stop.requested) {
    report.settings = await migrateSettings(source, target, options);
  }
  report.interrupted = options.stop.requested;
  return report;
}

async function migrateNamespace(
  source: TransferSource,
  target: CliStore,
  ns: Namespace,
  options: MigrateOptions,
  progress: ProgressReporter,
  journal: { key: string },
): Promise<Outcome> {
  const outcome = emptyOutcome();
  progress.start(ns, await source.count(ns));
  const existing = await target.names(ns);
  const unfinished = new Set(await target.journal(journal.key));
  for await (const page of readAhead(source.pages(ns, options.pageSize))) {
    const items = page.map((item) => ({ ...item, state: normalizeState(item.state) }));
    const onTarget = await target.read(
      ns,
      items.filter((item) => existing.has(item.name)).map((item) => item.name),
    );
    const writes: TransferItem[] = [];
    for (const item of items) {
      const current = onTarget.get(item.name);
      if (!current) {
        outcome.created++;
        writes.push(item);
      } else if (sameContent(item, current)) {
        outcome.unchanged++;
      } else if (options.overwrite || unfinished.has(item.name)) {
        outcome.updated++;
        writes.push(item);
      } else {
        outcome.kept++;
        if (outcome.keptNames.length < LISTED) outcome.keptNames.push(item.name);
      }
    }
    if (!options.dryRun && writes.length > 0) {
      const names = writes.map((item) => item.name);
      await target.setJournal(journal.key, [...new Set([...unfinished, ...names])]);
      await target.write(ns, writes);
      for (const name of names) unfinished.delete(name);
      await target.setJournal(journal.key, [...unfinished]);
    }
    outcome.source += page.length;
    progress.advance(page.length);
    // SQLite answers synchronously: without a turn of the event loop, Ctrl-C would wait for the end.
    await new Promise((resolve) => setImmediate(resolve));
    if (options.stop.requested) break;
  }
  progress.finish();
  return outcome;
}

async function migrateSettings(
  source: TransferSource,
  target: CliStore,
  options: MigrateOptions,
): Promise<Outcome> {
  const outcome = emptyOutcome();
  const [from, to] = await Promise.all([source.settings(), target.settings()]);
  const writes: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(from).sort(([a], [b]) => a.localeCompare(b))) {
    outcome.source++;
    if (!(key in to)) {
      outcome.created++;
      writes[key] = value;
    } else if (canonicalJson(value) === canonicalJson(to[key])) {
      outcome.unchanged++;
    } else if (options.overwrite) {
      outcome.updated++;
      writes[key] = value;
    } else {
      outcome.kept++;
      if (outcome.keptNames.length < LISTED) outcome.keptNames.push(key);
    }
  }
  if (!options.dryRun && Object.keys(writes).length > 0) await target.writeSettings(writes);
  return outcome;
}

function sameContent(a: TransferItem, b: TransferItem): boolean {
  return (
    canonicalJson(a.data) === canonicalJson(b.data) &&
    canonicalJson(a.state) === canonicalJson(b.state)
  );
}
