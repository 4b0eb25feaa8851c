import type { Differences, VerifyReport } from './verify.runner';

/** The human summary of a verify run: counts, checksums and a readable list of differences. */
export function describeVerify(report: VerifyReport): string[] {
  const lines: string[] = [];
  const parts: Array<[string, Differences]> = Object.entries(report.credentials).map(([ns, d]) => [
    `${ns} credentials`,
    d as Differences,
  ]);
  if (report.settings) parts.push(['settings', report.settings]);
  for (const [label, d] of parts) {
    const short = (sum: string) => sum.slice(0, 12);
    const sums =
      d.from.checksum === d.to.checksum
        ? `checksum ${short(d.from.checksum)}`
        : `checksums ${short(d.from.checksum)} / ${short(d.to.checksum)}`;
    const same = d.onlyInFrom.count + d.onlyInTo.count + d.differ.count === 0;
    lines.push(
      `${label}: ${d.from.count} in --from, ${d.to.count} in --to, ${sums}: ${same ? 'equal' : 'DIFFERENT'}`,
    );
    listed(lines, 'only in --from', d.onlyInFrom.count, d.onlyInFrom.names);
    listed(lines, 'only in --to', d.onlyInTo.count, d.onlyInTo.names);
    const differ = d.differ.items.map((item) => `${item.name} (${item.parts.join(', ')})`);
    listed(lines, 'differ', d.differ.count, differ);
  }
  lines.push(
    report.equal ? 'Equal: both sides hold the same.' : 'Not equal: see the differences above.',
  );
  return lines;
}

function listed(lines: string[], label: string, count: number, names: readonly string[]) {
  if (count === 0) return;
  const more = count > names.length ? `, and ${count - names.length} more` : '';
  lines.push(`  ${label} (${count}): ${names.join(', ')}${more}`);
}
