import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { ApiError, api } from './api/client';
import { saveSession } from './api/session';
import { t } from './i18n/i18n';
import type { MessageKey } from './i18n/en';

interface LoginAnswer {
  token: string;
  expires_at: string;
}

/** The password form. The password is sent once; only the session token it yields is kept. */
export function LoginView(props: {
  notice: MessageKey | null;
  langButton: JSX.Element;
  onLoggedIn(): void;
}) {
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const answer = await api<LoginAnswer>('/auth/login', { json: { password } });
      saveSession({ token: answer.token, expiresAt: answer.expires_at });
      setPassword('');
      props.onLoggedIn();
    } catch (err) {
      setError(err instanceof ApiError && err.status ? err.message : t('common.network'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="login">
      <form class="card login-card" onSubmit={(e) => void submit(e)} data-testid="login-form">
        <div class="login-head">
          <h1>{t('login.title')}</h1>
          {props.langButton}
        </div>
        {props.notice && (
          <p class="notice" role="status" data-testid="login-notice">
            {t(props.notice)}
          </p>
        )}
        <label>
          {t('login.password')}
          <input
            type="password"
            autocomplete="current-password"
            value={password}
            required
            autofocus
            data-testid="password"
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </label>
        {error && (
          <p class="error" role="alert" data-testid="login-error">
            {error}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy || !password}>
          {busy ? t('login.busy') : t('login.submit')}
        </button>
      </form>
    </div>
  );
}
