import { formatNumber, t } from '../i18n/i18n';

/** First/previous/next/last over a server-side listing. */
export function Pager(props: {
  offset: number;
  limit: number;
  total: number;
  onOffset(offset: number): void;
}) {
  const { offset, limit, total } = props;
  const pages = Math.max(1, Math.ceil(total / limit));
  const page = Math.floor(offset / limit) + 1;
  const to = Math.min(offset + limit, total);
  return (
    <div class="pager" data-testid="pager">
      <span data-testid="pager-range">
        {t('pager.range', {
          from: formatNumber(total === 0 ? 0 : offset + 1),
          to: formatNumber(to),
          total: formatNumber(total),
        })}
      </span>
      <span class="pager-buttons">
        <button type="button" disabled={page <= 1} onClick={() => props.onOffset(0)}>
          {t('pager.first')}
        </button>
        <button
          type="button"
          disabled={page <= 1}
          data-testid="pager-prev"
          onClick={() => props.onOffset(Math.max(0, offset - limit))}
        >
          {t('pager.prev')}
        </button>
        <span>{t('pager.page', { page: formatNumber(page), pages: formatNumber(pages) })}</span>
        <button
          type="button"
          disabled={page >= pages}
          data-testid="pager-next"
          onClick={() => props.onOffset(offset + limit)}
        >
          {t('pager.next')}
        </button>
        <button
          type="button"
          disabled={page >= pages}
          onClick={() => props.onOffset((pages - 1) * limit)}
        >
          {t('pager.last')}
        </button>
      </span>
    </div>
  );
}
