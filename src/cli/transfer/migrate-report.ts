import type { MigrateReport, Outcome } from './migrate.runner';

/** The human summary of a migration or import: one line per namespace and for the settings. */
export function describeMigration(report: MigrateReport, target: string): string[] {
  const verb = report.dryRun ? 'would be' : '';
  const lines: string[] = [];
  const parts = Object.entries(report.credentials).map(([ns, o]) => [`${ns} credentials`, o]);
  if (report.settings) parts.push(['settings', report.settings]);
  let changes = 0;
  for (const [label, o] of parts as Array<[string, Outcome]>) {
    changes += o.created + o.updated;
    const figures = [
      `${o.created} ${verb ? 'to create' : 'created'}`,
      `${o.updated} ${verb ? 'to replace' : 'replaced'}`,
      `${o.unchanged} unchanged`,
    ];
    if (o.kept > 0) figures.push(`${o.kept} kept as they are on the target`);
    lines.push(`${label}: ${o.source} in source; ${figures.join(', ')}`);
    if (o.kept > 0) {
      const more = o.kept > o.keptNames.length ? `, and ${o.kept - o.keptNames.length} more` : '';
      lines.push(
        `  differ on the target, kept (use --overwrite to replace): ${o.keptNames.join(', ')}${more}`,
      );
    }
  }
  if (report.interrupted) {
    lines.push('Interrupted: run the same command again to resume where it stopped.');
  } else if (report.dryRun) {
    lines.push(`Dry run: nothing was written to ${target}.`);
  } else if (changes === 0) {
    lines.push(`Nothing to change: ${target} already holds everything.`);
  } else {
    lines.push(`Done: ${changes} change${changes === 1 ? '' : 's'} written to ${target}.`);
  }
  return lines;
}
