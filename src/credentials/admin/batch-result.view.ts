import type { Namespace } from '../../storage/storage-backend.interface';

/** What one batch action did: each name in request order, with the reason of those that failed. */
export interface BatchOutcome {
  action: string;
  results: Array<{ filename: string; error: string | null }>;
}

/**
 * A batch outcome in the answer shape the Python gcli2api gave for the namespace (its panel and
 * scripts read these fields), with the per-name detail added in fields of their own:
 * - `geminicli`: `{success_count, total_count, errors: string[], message}` plus
 *   `succeeded_files` and `failures[{filename, message}]`;
 * - `antigravity`: `{success, success_count, total, succeeded, failed, results[{filename,
 *   success, message?}], message}`, `succeeded` and `failed` being counts.
 */
export function batchResultView(ns: Namespace, outcome: BatchOutcome) {
  const { action, results } = outcome;
  const succeeded = results.filter((r) => r.error === null).map((r) => r.filename);
  const failures = results.flatMap(({ filename, error }) =>
    error === null ? [] : [{ filename, message: error }],
  );
  const total = results.length;
  const message = `Batch ${action}: ${succeeded.length} of ${total} succeeded`;
  if (ns === 'antigravity') {
    return {
      success: failures.length === 0,
      success_count: succeeded.length,
      total,
      succeeded: succeeded.length,
      failed: failures.length,
      results: results.map(({ filename, error }) =>
        error === null ? { filename, success: true } : { filename, success: false, message: error },
      ),
      message,
    };
  }
  return {
    success_count: succeeded.length,
    total_count: total,
    errors: failures.map((f) => `${f.filename}: ${f.message}`),
    message,
    succeeded_files: succeeded,
    failures,
  };
}
