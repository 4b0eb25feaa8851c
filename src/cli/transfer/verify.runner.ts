import { createHash } from 'node:crypto';
import type { CredentialState, Namespace } from '../../storage/storage-backend.interface';
import type { ProgressReporter } from '../progress.reporter';
import { normalizeState } from './normalize-state';
import { canonicalJson, type TransferSource } from './transfer.types';

/** Names listed per kind of difference; the counts are always complete. */
const LISTED = 20;

export interface VerifyOptions {
  namespaces: readonly Namespace[];
  credentials: boolean;
  settings: boolean;
  pageSize: number;
}

/** One side's count and an order-independent checksum over every name, data and state. */
export interface SideSummary {
  count: number;
  checksum: string;
}

export interface Differences {
  from: SideSummary;
  to: SideSummary;
  onlyInFrom: { count: number; names: string[] };
  onlyInTo: { count: number; names: string[] };
  /** Present on both sides with different content: which part (data, or state fields) differs. */
  differ: { count: number; items: Array<{ name: string; parts: string[] }> };
}

export interface VerifyReport {
  equal: boolean;
  credentials: Partial<Record<Namespace, Differences>>;
  settings?: Differences;
}

interface Fingerprint {
  data: string;
  state: CredentialState;
}

/**
 * Compares two sides by content: every credential's data and whole state (checksums per
 * credential), and every setting. Insertion order is not compared: a target that held
 * credentials before a migration orders them differently and is still complete.
 */
export async function verify(
  from: TransferSource,
  to: TransferSource,
  options: VerifyOptions,
  progress: ProgressReporter,
): Promise<VerifyReport> {
  const report: VerifyReport = { equal: true, credentials: {} };
  if (options.credentials) {
    for (const ns of options.namespaces) {
      const diff = await compareNamespace(from, to, ns, options.pageSize, progress);
      report.credentials[ns] = diff;
      report.equal &&= isEqual(diff);
    }
  }
  if (options.settings) {
    report.settings = compareSettings(await from.settings(), await to.settings());
    report.equal &&= isEqual(report.settings);
  }
  return report;
}

async function compareNamespace(
  from: TransferSource,
  to: TransferSource,
  ns: Namespace,
  pageSize: number,
  progress: ProgressReporter,
): Promise<Differences> {
  const diff = emptyDifferences();
  const left = new Map<string, Fingerprint>();
  const fromSum = new Checksum();
  const toSum = new Checksum();
  progress.start(`${ns} (--from)`, await from.count(ns));
  for await (const page of from.pages(ns, pageSize)) {
    for (const item of page) {
      const print = { data: digest(canonicalJson(item.data)), state: normalizeState(item.state) };
      left.set(item.name, print);
      fromSum.add(item.name, print);
    }
    progress.advance(page.length);
  }
  progress.start(`${ns} (--to)`, await to.count(ns));
  for await (const page of to.pages(ns, pageSize)) {
    for (const item of page) {
      const print = { data: digest(canonicalJson(item.data)), state: normalizeState(item.state) };
      toSum.add(item.name, print);
      const mine = left.get(item.name);
      if (!mine) list(diff.onlyInTo, item.name);
      else {
        left.delete(item.name);
        const parts = differingParts(mine, print);
        if (parts.length > 0) {
          diff.differ.count++;
          if (diff.differ.items.length < LISTED) diff.differ.items.push({ name: item.name, parts });
        }
      }
    }
    progress.advance(page.length);
  }
  progress.finish();
  for (const name of left.keys()) list(diff.onlyInFrom, name);
  diff.from = fromSum.summary();
  diff.to = toSum.summary();
  return diff;
}

function compareSettings(from: Record<string, unknown>, to: Record<string, unknown>): Differences {
  const diff = emptyDifferences();
  const fromSum = new Checksum();
  const toSum = new Checksum();
  for (const [key, value] of Object.entries(from)) {
    fromSum.addText(`${key}\t${canonicalJson(value)}`);
    if (!(key in to)) list(diff.onlyInFrom, key);
    else if (canonicalJson(value) !== canonicalJson(to[key])) {
      diff.differ.count++;
      if (diff.differ.items.length < LISTED)
        diff.differ.items.push({ name: key, parts: ['value'] });
    }
  }
  for (const [key, value] of Object.entries(to)) {
    toSum.addText(`${key}\t${canonicalJson(value)}`);
    if (!(key in from)) list(diff.onlyInTo, key);
  }
  diff.from = fromSum.summary();
  diff.to = toSum.summary();
  return diff;
}

function differingParts(a: Fingerprint, b: Fingerprint): string[] {
  const parts = a.data === b.data ? [] : ['data'];
  for (const field of Object.keys(a.state) as Array<keyof CredentialState>) {
    if (canonicalJson(a.state[field]) !== canonicalJson(b.state[field])) parts.push(field);
  }
  return parts;
}

const isEqual = (d: Differences) =>
  d.onlyInFrom.count === 0 && d.onlyInTo.count === 0 && d.differ.count === 0;

const digest = (text: string) => createHash('sha256').update(text).digest('hex');

function list(bucket: { count: number; names: string[] }, name: string) {
  bucket.count++;
  if (bucket.names.length < LISTED) bucket.names.push(name);
}

function emptyDifferences(): Differences {
  return {
    from: { count: 0, checksum: '' },
    to: { count: 0, checksum: '' },
    onlyInFrom: { count: 0, names: [] },
    onlyInTo: { count: 0, names: [] },
    differ: { count: 0, items: [] },
  };
}

/**
 * The XOR of every entry's SHA-256: equal sets give equal checksums whatever their order, in
 * constant memory.
 */
class Checksum {
  private readonly sum = Buffer.alloc(32);
  private count = 0;

  add(name: string, print: Fingerprint) {
    this.addText(`${name}\t${print.data}\t${canonicalJson(print.state)}`);
  }

  addText(text: string) {
    const hash = createHash('sha256').update(text).digest();
    for (let i = 0; i < 32; i++) this.sum[i] ^= hash[i];
    this.count++;
  }

  summary(): SideSummary {
    return { count: this.count, checksum: this.sum.toString('hex') };
  }
}
