import type { SigninOutcome } from '../api/signin';
import { t } from '../i18n/i18n';
import type { MessageKey } from '../i18n/en';

const STEPS = ['state', 'authorization', 'exchange', 'email', 'project', 'store'];

/** A step's name in words; a step this panel does not know is shown as the server named it. */
function stepText(step: string): string {
  return STEPS.includes(step) ? t(`signin.step.${step}` as MessageKey) : step;
}

/** Where a sign-in is, in words; every value from the server is text. */
export function SigninOutcomeView(props: { outcome: SigninOutcome }) {
  const o = props.outcome;
  if (o.kind === 'waiting') {
    return (
      <p class="hint" data-testid="signin-result" aria-live="polite">
        {t('signin.waiting')}
      </p>
    );
  }
  if (o.kind === 'completed') {
    return (
      <div class="banner ok" role="status" data-testid="signin-result">
        <b>{t('signin.completed')}</b>
        <dl class="facts">
          <dt>{t('signin.file')}</dt>
          <dd data-testid="signin-filename">{o.filename}</dd>
          <dt>{t('list.email')}</dt>
          <dd data-testid="signin-email">{o.user_email}</dd>
          <dt>{t('signin.project')}</dt>
          <dd>{o.project_id}</dd>
        </dl>
      </div>
    );
  }
  const text =
    o.kind === 'expired'
      ? t('signin.expired')
      : o.step
        ? t('signin.failedAt', { step: stepText(o.step) })
        : t('signin.failed');
  return (
    <div class="banner error" role="alert" data-testid="signin-result">
      <b>{text}</b>
      {o.message && <span>{o.message}</span>}
    </div>
  );
}
