import { useState } from 'preact/hooks';
import type { ImportResult } from '../api/types';
import { formatNumber, t } from '../i18n/i18n';

/** Most result rows drawn at once: a 20,000-file upload stays responsive. */
const SHOWN = 500;

const where = (r: ImportResult) =>
  r.archive ? `${r.archive} › ${r.entry ?? r.filename}` : r.filename;

/** The per-file outcome of an upload or a paste, rejected ones first. */
export function ImportResults(props: { summary: string; results: ImportResult[] }) {
  const [onlyRejected, setOnlyRejected] = useState(false);
  const stored = props.results.filter((r) => r.status === 'stored').length;
  const ordered = [
    ...props.results.filter((r) => r.status !== 'stored'),
    ...(onlyRejected ? [] : props.results.filter((r) => r.status === 'stored')),
  ];
  return (
    <div class="results" data-testid="import-results">
      <p class="summary" data-testid="import-summary">
        <b>
          {t('add.summary', {
            stored: formatNumber(stored),
            total: formatNumber(props.results.length),
          })}
        </b>
        {' · '}
        {props.summary}
      </p>
      <label class="inline">
        <input
          type="checkbox"
          checked={onlyRejected}
          onChange={(e) => setOnlyRejected(e.currentTarget.checked)}
        />
        {t('add.onlyRejected')}
      </label>
      <div class="table-wrap short">
        <table>
          <thead>
            <tr>
              <th>{t('add.result.file')}</th>
              <th>{t('add.result.status')}</th>
              <th>{t('add.result.message')}</th>
            </tr>
          </thead>
          <tbody>
            {ordered.slice(0, SHOWN).map((r, i) => (
              <tr key={i} data-testid="import-result">
                <td class="filename">{where(r)}</td>
                <td>
                  <span class={r.status === 'stored' ? 'badge on' : 'badge off'}>
                    {r.status === 'stored' ? t('add.status.stored') : t('add.status.rejected')}
                  </span>
                </td>
                <td>{r.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {ordered.length > SHOWN && <p class="hint">… +{formatNumber(ordered.length - SHOWN)}</p>}
      </div>
    </div>
  );
}
