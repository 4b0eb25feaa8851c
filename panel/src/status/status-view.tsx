import { Fragment } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api/client';
import type { StorageInfo } from '../api/types';
import { formatNumber, t } from '../i18n/i18n';
import { Banner, type BannerMessage, errorBanner } from '../ui/banner';
import { LogsView } from './logs-view';

interface Health {
  status: string;
  info?: Record<string, { status: string; [k: string]: unknown }>;
  error?: Record<string, { status: string; [k: string]: unknown }>;
}

/** The name of a stored-items count: a namespace or the settings. */
function countLabel(key: string): string {
  if (key === 'geminicli' || key === 'antigravity') return t(`ns.${key}`);
  return key === 'config' ? t('nav.settings') : key;
}

/** `/health` answers 503 with the same body when storage is down. */
async function readHealth(): Promise<Health> {
  const response = await fetch('/health');
  return (await response.json()) as Health;
}

/** The storage in use, what was asked for and tried, in words; the health probe; the live log. */
export function StatusView() {
  const [info, setInfo] = useState<StorageInfo | null>(null);
  const [health, setHealth] = useState<Health | null>(null);
  const [message, setMessage] = useState<BannerMessage | null>(null);

  const load = () => {
    api<StorageInfo>('/api/auth/storage-info').then(setInfo, (err) => setMessage(errorBanner(err)));
    readHealth().then(setHealth, (err) => setMessage(errorBanner(err)));
  };
  useEffect(load, []);

  return (
    <section class="view" data-testid="status-view">
      <Banner message={message} onClose={() => setMessage(null)} />
      <div class="grid2">
        <div class="card" data-testid="storage-card">
          <div class="dialog-head">
            <h2>{t('status.storage')}</h2>
            <button type="button" onClick={load}>
              {t('common.refresh')}
            </button>
          </div>
          {info ? (
            <>
              <p class={info.degraded ? 'banner error' : 'banner ok'} data-testid="storage-summary">
                {info.degraded
                  ? t('status.degradedText', { requested: info.requested, backend: info.backend })
                  : t('status.okText')}
              </p>
              <dl class="facts">
                <dt>{t('status.backend')}</dt>
                <dd data-testid="storage-backend">{info.backend}</dd>
                <dt>{t('status.requested')}</dt>
                <dd>{info.requested}</dd>
                <dt>{t('status.degraded')}</dt>
                <dd>{info.degraded ? t('common.yes') : t('common.no')}</dd>
                <dt>{t('status.fallback')}</dt>
                <dd>{info.fallback_enabled ? t('common.yes') : t('common.no')}</dd>
                <dt>{t('status.ping')}</dt>
                <dd>{info.ping_ms} ms</dd>
                {Object.entries(info.connection).map(([key, value]) => (
                  <Fragment key={key}>
                    <dt>{key}</dt>
                    <dd>{typeof value === 'object' ? JSON.stringify(value) : String(value)}</dd>
                  </Fragment>
                ))}
                {Object.entries(info.counts).map(([key, value]) => (
                  <Fragment key={`count-${key}`}>
                    <dt>{`${t('status.counts')}: ${countLabel(key)}`}</dt>
                    <dd>{formatNumber(value)}</dd>
                  </Fragment>
                ))}
              </dl>
              <h3>{t('status.attempts')}</h3>
              <ul class="attempts">
                {info.attempts.map((a, i) => (
                  <li key={i} class={a.ok ? 'ok' : 'failed'}>
                    <b>{a.label}</b> <code>{a.target}</code> —{' '}
                    {a.ok ? t('status.attempt.ok') : t('status.attempt.failed')} ({a.duration_ms}{' '}
                    ms)
                    {a.error && <div class="hint">{a.error}</div>}
                  </li>
                ))}
              </ul>
            </>
          ) : (
            <p>{t('common.loading')}</p>
          )}
        </div>
        <div class="card" data-testid="health-card">
          <h2>{t('status.health')}</h2>
          {health ? (
            <>
              <p class={health.status === 'ok' ? 'banner ok' : 'banner error'}>
                {health.status === 'ok' ? t('status.healthUp') : t('status.healthDown')}
              </p>
              <pre class="json">
                {JSON.stringify(health.info ?? health.error ?? health, null, 2)}
              </pre>
            </>
          ) : (
            <p>{t('common.loading')}</p>
          )}
        </div>
      </div>
      <LogsView />
    </section>
  );
}
