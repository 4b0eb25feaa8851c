import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api, download } from '../api/client';
import {
  batchOutcome,
  type Namespace,
  nsPath,
  type StatusFilters,
  type StatusPage,
} from '../api/types';
import { formatNumber, t } from '../i18n/i18n';
import { Banner, type BannerMessage, errorBanner } from '../ui/banner';
import { NsSwitch } from '../ui/ns-switch';
import { useNow } from '../ui/use-now';
import { CredentialFilters } from './credential-filters';
import { CredentialRow, type RowActions } from './credential-row';
import { DetailDialog } from './detail-dialog';
import { Pager } from './pager';

type Action = 'enable' | 'disable' | 'delete';

const INITIAL: StatusFilters = {
  status_filter: 'all',
  error_code_filter: 'all',
  cooldown_filter: 'all',
  problem_filter: 'all',
  limit: 50,
  offset: 0,
};

/** The credentials of a namespace: totals, server-side filters and paging, row and batch actions. */
export function CredentialsView(props: { ns: Namespace; onNs(ns: Namespace): void }) {
  const { ns } = props;
  const [filters, setFilters] = useState<StatusFilters>(INITIAL);
  const [page, setPage] = useState<StatusPage | null>(null);
  const [loading, setLoading] = useState(false);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [message, setMessage] = useState<BannerMessage | null>(null);
  const [viewing, setViewing] = useState<string | null>(null);
  const pending = useRef<AbortController | null>(null);

  const load = useCallback(async () => {
    pending.current?.abort();
    const controller = new AbortController();
    pending.current = controller;
    setLoading(true);
    const query = new URLSearchParams(
      Object.entries(filters).map(([key, value]) => [key, String(value)]),
    );
    try {
      const next = await api<StatusPage>(nsPath(ns, `/creds/status?${query}`), {
        signal: controller.signal,
      });
      // A filter that now matches fewer rows than the offset shows its last page instead.
      if (next.items.length === 0 && next.total > 0 && filters.offset > 0) {
        setFilters({
          ...filters,
          offset: Math.floor((next.total - 1) / filters.limit) * filters.limit,
        });
        return;
      }
      setPage(next);
    } catch (err) {
      if (!controller.signal.aborted) setMessage(errorBanner(err));
    } finally {
      if (pending.current === controller) setLoading(false);
    }
  }, [ns, filters]);

  useEffect(() => void load(), [load]);

  const items = page?.items ?? [];
  const now = useNow(items.some((i) => Object.keys(i.model_cooldowns ?? {}).length > 0));

  const run = async (work: () => Promise<BannerMessage>) => {
    try {
      setMessage(await work());
    } catch (err) {
      setMessage(errorBanner(err));
    }
    await load();
  };

  const act = (name: string, action: Action) =>
    run(async () => {
      const answer = await api<{ message?: string }>(nsPath(ns, '/creds/action'), {
        json: { filename: name, action },
      });
      // A deleted credential leaves the selection: a batch action would fail for it.
      if (action === 'delete') {
        setSelected((old) => new Set([...old].filter((selectedName) => selectedName !== name)));
      }
      return { kind: 'ok', text: answer.message ?? `${t(`action.${action}`)}: ${name}` };
    });

  const batch = (action: Action) => {
    const names = [...selected];
    if (action === 'delete' && !confirm(t('confirm.batchDelete', { count: names.length }))) return;
    return run(async () => {
      const body = await api<unknown>(nsPath(ns, '/creds/batch-action'), {
        json: { action, filenames: names },
      });
      const outcome = batchOutcome(body, names.length);
      setSelected(new Set());
      const text = t('done.batch', {
        action: t(`action.${action}`),
        succeeded: outcome.succeeded,
        total: outcome.total,
      });
      return { kind: outcome.errors.length ? 'error' : 'ok', text, details: outcome.errors };
    });
  };

  const actions: RowActions = {
    toggle: (item) => void act(item.filename, item.disabled ? 'enable' : 'disable'),
    view: (item) => setViewing(item.filename),
    download: (item) =>
      void download(
        nsPath(ns, `/creds/download/${encodeURIComponent(item.filename)}`),
        item.filename,
      ).catch((err) => setMessage(errorBanner(err))),
    check: (item, check) =>
      void run(async () => {
        const answer = await api<{ message?: string }>(
          nsPath(ns, `/creds/${check}/${encodeURIComponent(item.filename)}`),
          { json: {} },
        ).catch((err: unknown) => {
          throw new Error(`${item.filename}: ${(err as Error).message}`);
        });
        return { kind: 'ok', text: answer.message ?? `${t(`action.${check}`)}: ${item.filename}` };
      }),
    remove: (item) => {
      if (confirm(t('confirm.delete', { name: item.filename }))) void act(item.filename, 'delete');
    },
  };

  const dedupe = () => {
    if (!confirm(t('confirm.dedupe'))) return;
    void run(async () => {
      const answer = await api<{ message?: string }>(nsPath(ns, '/creds/dedupe'), { json: {} });
      setSelected(new Set());
      return { kind: 'ok', text: answer.message ?? t('action.dedupe') };
    });
  };

  const allChecked = items.length > 0 && items.every((i) => selected.has(i.filename));
  const selectPage = (checked: boolean) => {
    const next = new Set(selected);
    for (const item of items) {
      if (checked) next.add(item.filename);
      else next.delete(item.filename);
    }
    setSelected(next);
  };
  const selectOne = (name: string, checked: boolean) => {
    const next = new Set(selected);
    if (checked) next.add(name);
    else next.delete(name);
    setSelected(next);
  };

  const stats = page?.stats;
  return (
    <section class="view" data-testid="credentials-view">
      <div class="toolbar">
        <NsSwitch ns={ns} onNs={props.onNs} />
        <div class="stats" data-testid="stats">
          <span>
            {t('stats.total')} <b data-testid="stat-total">{formatNumber(stats?.total ?? 0)}</b>
          </span>
          <span>
            {t('stats.normal')} <b>{formatNumber(stats?.normal ?? 0)}</b>
          </span>
          <span>
            {t('stats.disabled')} <b>{formatNumber(stats?.disabled ?? 0)}</b>
          </span>
        </div>
        <div class="toolbar-actions">
          <button type="button" data-testid="refresh" onClick={() => void load()}>
            {t('common.refresh')}
          </button>
          <button type="button" onClick={dedupe}>
            {t('action.dedupe')}
          </button>
          <button
            type="button"
            onClick={() =>
              void download(nsPath(ns, '/creds/download-all'), 'credentials.zip').catch((err) =>
                setMessage(errorBanner(err)),
              )
            }
          >
            {t('action.downloadAll')}
          </button>
        </div>
      </div>
      <CredentialFilters
        filters={filters}
        onChange={(next) => {
          // What the last action did no longer describes the rows of another filter.
          setMessage(null);
          setFilters(next);
        }}
      />
      <Banner message={message} onClose={() => setMessage(null)} />
      {selected.size > 0 && (
        <div class="batch-bar" data-testid="batch-bar">
          <span>{t('list.selected', { count: formatNumber(selected.size) })}</span>
          <button type="button" data-testid="batch-enable" onClick={() => void batch('enable')}>
            {t('action.enable')}
          </button>
          <button type="button" data-testid="batch-disable" onClick={() => void batch('disable')}>
            {t('action.disable')}
          </button>
          <button type="button" class="danger" onClick={() => void batch('delete')}>
            {t('action.delete')}
          </button>
          <button type="button" class="link" onClick={() => setSelected(new Set())}>
            {t('action.clearSelection')}
          </button>
        </div>
      )}
      <div class={loading ? 'table-wrap loading' : 'table-wrap'} aria-busy={loading}>
        <table class="creds">
          <thead>
            <tr>
              <th class="check">
                <input
                  type="checkbox"
                  checked={allChecked}
                  aria-label={t('list.selectAll')}
                  title={t('list.selectAll')}
                  data-testid="select-page"
                  onChange={(e) => selectPage(e.currentTarget.checked)}
                />
              </th>
              <th>{t('list.name')}</th>
              <th>{t('list.state')}</th>
              <th>{t('list.errors')}</th>
              <th class="num">{t('list.calls')}</th>
              <th>{t('list.lastSuccess')}</th>
              <th>{t('list.cooldowns')}</th>
              <th>{t('list.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((item) => (
              <CredentialRow
                key={item.filename}
                item={item}
                now={now}
                selected={selected.has(item.filename)}
                onSelect={(checked) => selectOne(item.filename, checked)}
                actions={actions}
              />
            ))}
          </tbody>
        </table>
        {page && items.length === 0 && <p class="empty">{t('list.empty')}</p>}
        {!page && loading && <p class="empty">{t('common.loading')}</p>}
      </div>
      {page && (
        // The range shown is the page loaded, not the one asked for while it loads.
        <Pager
          offset={page.offset}
          limit={page.limit}
          total={page.total}
          onOffset={(offset) => setFilters({ ...filters, offset })}
        />
      )}
      {viewing && <DetailDialog ns={ns} name={viewing} onClose={() => setViewing(null)} />}
    </section>
  );
}
