import { type CredentialItem, PROBLEM_CODES } from '../api/types';
import type { MessageKey } from '../i18n/en';
import { formatDuration, formatNumber, t } from '../i18n/i18n';

/** The row actions that ask Google, named as their routes: `/creds/<check>/{name}`. */
const CHECKS = ['fetch-email', 'verify-project'] as const;
type Check = (typeof CHECKS)[number];

/** The actions a row offers; the view carries them out. */
export interface RowActions {
  toggle(item: CredentialItem): void;
  view(item: CredentialItem): void;
  download(item: CredentialItem): void;
  /** Asks Google: reads the account's e-mail, or re-discovers the project and heals the row. */
  check(item: CredentialItem, check: Check): void;
  remove(item: CredentialItem): void;
}

/** A problem code in words; a code this panel does not know is shown as the server named it. */
function problemText(code: string): string {
  return (PROBLEM_CODES as readonly string[]).includes(code)
    ? t(`problem.${code}` as MessageKey)
    : code;
}

function lastSuccess(seconds: number | null, now: number): string {
  if (!seconds) return t('time.never');
  return t('time.ago', { time: formatDuration(now - seconds) });
}

/** One credential. Every value from the server is rendered as text, never as HTML. */
export function CredentialRow(props: {
  item: CredentialItem;
  selected: boolean;
  now: number;
  onSelect(selected: boolean): void;
  actions: RowActions;
}) {
  const { item, now, actions } = props;
  const cooling = Object.entries(item.model_cooldowns ?? {}).filter(([, until]) => until > now);
  return (
    <tr
      class={item.disabled ? 'row disabled' : 'row'}
      data-testid="cred-row"
      data-name={item.filename}
    >
      <td class="check">
        <input
          type="checkbox"
          checked={props.selected}
          aria-label={item.filename}
          onChange={(e) => props.onSelect(e.currentTarget.checked)}
        />
      </td>
      <td class="name" data-label={t('list.name')}>
        <span class="filename" data-testid="cred-name">
          {item.filename}
        </span>
        <span class="email">{item.user_email ?? ''}</span>
      </td>
      <td data-label={t('list.state')}>
        <span class={item.disabled ? 'badge off' : 'badge on'} data-testid="cred-state">
          {item.disabled ? t('state.disabled') : t('state.enabled')}
        </span>
        {item.problem && (
          <span
            class="problem"
            data-testid="cred-problem"
            title={new Date(item.problem.at * 1000).toLocaleString()}
          >
            <span class="badge warn">{problemText(item.problem.code)}</span>
            <span class="hint">{item.problem.message}</span>
          </span>
        )}
      </td>
      <td data-label={t('list.errors')}>
        {item.error_codes.length === 0
          ? t('common.none')
          : item.error_codes.map((code, i) => (
              <span key={i} class="badge warn">
                {code}
              </span>
            ))}
      </td>
      <td class="num" data-label={t('list.calls')}>
        {formatNumber(item.call_count ?? 0)}
      </td>
      <td data-label={t('list.lastSuccess')}>{lastSuccess(item.last_success, now)}</td>
      <td data-label={t('list.cooldowns')} data-testid="cred-cooldowns">
        {cooling.length === 0
          ? t('common.none')
          : cooling.map(([model, until]) => (
              <span key={model} class="badge cool" title={new Date(until * 1000).toLocaleString()}>
                {model}: {formatDuration(until - now)}
              </span>
            ))}
      </td>
      <td class="actions" data-label={t('list.actions')}>
        <button type="button" data-testid="row-toggle" onClick={() => actions.toggle(item)}>
          {item.disabled ? t('action.enable') : t('action.disable')}
        </button>
        <button type="button" onClick={() => actions.view(item)}>
          {t('action.view')}
        </button>
        <button type="button" onClick={() => actions.download(item)}>
          {t('action.download')}
        </button>
        {CHECKS.map((check) => (
          <button
            key={check}
            type="button"
            data-testid={`row-${check}`}
            onClick={() => actions.check(item, check)}
          >
            {t(`action.${check}`)}
          </button>
        ))}
        <button
          type="button"
          class="danger"
          data-testid="row-delete"
          onClick={() => actions.remove(item)}
        >
          {t('action.delete')}
        </button>
      </td>
    </tr>
  );
}
