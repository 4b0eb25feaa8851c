import { useEffect, useState } from 'preact/hooks';
import { api, onSessionExpired } from './api/client';
import { clearSession, loadSession } from './api/session';
import type { Namespace } from './api/types';
import { AddView } from './add/add-view';
import { CredentialsView } from './credentials/credentials-view';
import { lang, setLang, t } from './i18n/i18n';
import type { MessageKey } from './i18n/en';
import { LoginView } from './login-view';
import { SettingsView } from './settings/settings-view';
import { StatusView } from './status/status-view';

const TABS = ['credentials', 'add', 'settings', 'status'] as const;
type Tab = (typeof TABS)[number];

const tabOfHash = (): Tab => {
  const name = location.hash.replace(/^#\/?/, '');
  return (TABS as readonly string[]).includes(name) ? (name as Tab) : 'credentials';
};

/** The whole panel: the login screen, or the tabs once a session exists. */
export function App() {
  const [loggedIn, setLoggedIn] = useState(() => loadSession() !== null);
  const [notice, setNotice] = useState<MessageKey | null>(null);
  const [tab, setTab] = useState<Tab>(tabOfHash);
  const [ns, setNs] = useState<Namespace>('geminicli');
  const [, setLangState] = useState(lang());

  useEffect(
    () =>
      onSessionExpired(() => {
        setNotice('login.expired');
        setLoggedIn(false);
      }),
    [],
  );
  useEffect(() => {
    const follow = () => setTab(tabOfHash());
    addEventListener('hashchange', follow);
    return () => removeEventListener('hashchange', follow);
  }, []);

  const switchLang = () => {
    const next = lang() === 'zh' ? 'en' : 'zh';
    setLang(next);
    setLangState(next);
  };
  const langButton = (
    <button type="button" class="link lang" data-testid="lang" onClick={switchLang}>
      {t('lang.switch')}
    </button>
  );

  if (!loggedIn) {
    return (
      <LoginView
        notice={notice}
        langButton={langButton}
        onLoggedIn={() => {
          setNotice(null);
          setLoggedIn(true);
        }}
      />
    );
  }

  const logout = async () => {
    try {
      await api('/auth/logout', { method: 'POST' });
    } catch {
      // the session may already be gone; either way it is forgotten here
    }
    clearSession();
    setNotice('login.loggedOut');
    setLoggedIn(false);
  };

  return (
    <div class="shell">
      <header class="top">
        <h1>{t('app.title')}</h1>
        <nav class="tabs" role="tablist">
          {TABS.map((name) => (
            <a
              key={name}
              href={`#${name}`}
              role="tab"
              aria-selected={tab === name}
              class={tab === name ? 'tab active' : 'tab'}
              data-testid={`tab-${name}`}
            >
              {t(`nav.${name}`)}
            </a>
          ))}
        </nav>
        <div class="top-actions">
          {langButton}
          <button type="button" class="link" data-testid="logout" onClick={() => void logout()}>
            {t('nav.logout')}
          </button>
        </div>
      </header>
      <main>
        {tab === 'credentials' && <CredentialsView key={ns} ns={ns} onNs={setNs} />}
        {tab === 'add' && <AddView ns={ns} onNs={setNs} />}
        {tab === 'settings' && <SettingsView />}
        {tab === 'status' && <StatusView />}
      </main>
    </div>
  );
}
