/** Where the panel keeps its session token (never the password). */
const KEY = 'gcli2api.panel.session';

/** A panel session as `POST /auth/login` returned it. */
export interface Session {
  token: string;
  /** ISO time the server said the session ends. */
  expiresAt: string;
}

export function loadSession(): Session | null {
  try {
    const raw = localStorage.getItem(KEY);
    if (!raw) return null;
    const session = JSON.parse(raw) as Session;
    if (typeof session.token !== 'string' || Date.parse(session.expiresAt) <= Date.now()) {
      localStorage.removeItem(KEY);
      return null;
    }
    return session;
  } catch {
    return null;
  }
}

/** Whether a session is kept whose time, as the server gave it, has passed. */
export function sessionExpired(): boolean {
  try {
    const raw = localStorage.getItem(KEY);
    return raw !== null && Date.parse((JSON.parse(raw) as Session).expiresAt) <= Date.now();
  } catch {
    return false;
  }
}

export function saveSession(session: Session): void {
  localStorage.setItem(KEY, JSON.stringify(session));
}

export function clearSession(): void {
  localStorage.removeItem(KEY);
}
