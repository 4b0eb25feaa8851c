import { useEffect, useState } from 'preact/hooks';
import { api } from '../api/client';
import { type Namespace, nsPath } from '../api/types';
import { t } from '../i18n/i18n';

/** The full stored data of one credential (secrets included, on purpose), as JSON text. */
export function DetailDialog(props: { ns: Namespace; name: string; onClose(): void }) {
  const [text, setText] = useState(t('common.loading'));
  useEffect(() => {
    const path = nsPath(props.ns, `/creds/detail/${encodeURIComponent(props.name)}`);
    api<unknown>(path).then(
      (detail) => setText(JSON.stringify(detail, null, 2)),
      (err: Error) => setText(t('common.error', { message: err.message })),
    );
  }, [props.ns, props.name]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && props.onClose();
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, [props.onClose]);
  return (
    <div class="overlay" onClick={(e) => e.target === e.currentTarget && props.onClose()}>
      <div class="dialog card" role="dialog" aria-modal="true" data-testid="detail">
        <div class="dialog-head">
          <h2>{t('detail.title', { name: props.name })}</h2>
          <button type="button" onClick={props.onClose}>
            {t('common.close')}
          </button>
        </div>
        <p class="hint">{t('detail.secret')}</p>
        <pre class="json">{text}</pre>
      </div>
    </div>
  );
}
