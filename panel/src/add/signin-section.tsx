import { useEffect, useState } from 'preact/hooks';
import {
  failureOf,
  outcomeOfStatus,
  pasteCallback,
  type SigninOutcome,
  type SigninStart,
  signinStatus,
  startSignin,
} from '../api/signin';
import type { Namespace } from '../api/types';
import { t } from '../i18n/i18n';
import { SigninOutcomeView } from './signin-outcome';

/** How often the panel asks where a started sign-in is (milliseconds). */
const POLL_MS = 1500;

/** A sign-in this page started, and when it runs out (browser milliseconds). */
interface Flow extends SigninStart {
  expiresAt: number;
}

/**
 * Polls `/auth/status/{state}` every POLL_MS until the flow is completed, failed or past its
 * time; `onOutcome` gets the end. A failed poll (a network blip) is retried at the next tick.
 */
function usePoll(flow: Flow | null, onOutcome: (outcome: SigninOutcome) => void) {
  useEffect(() => {
    if (!flow) return;
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      if (Date.now() > flow.expiresAt) return onOutcome({ kind: 'expired' });
      try {
        const outcome = outcomeOfStatus(await signinStatus(flow.state, controller.signal));
        if (outcome) return onOutcome(outcome);
      } catch (err) {
        if (controller.signal.aborted) return;
        if ((err as { status?: number }).status === 401) return onOutcome(failureOf(err));
      }
      timer = setTimeout(() => void tick(), POLL_MS);
    };
    timer = setTimeout(() => void tick(), POLL_MS);
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [flow]);
}

/**
 * "Sign in with Google": starts a sign-in (`POST /auth/start`), shows Google's link to open in a
 * new tab, then waits for the gateway's callback listener by polling the status; or, for a
 * gateway on another machine, finishes it from the pasted address (`POST /auth/callback-url`).
 */
export function SigninSection(props: { ns: Namespace }) {
  const [projectId, setProjectId] = useState('');
  const [antigravity, setAntigravity] = useState(props.ns === 'antigravity');
  const [flow, setFlow] = useState<Flow | null>(null);
  const [outcome, setOutcome] = useState<SigninOutcome | null>(null);
  const [pasted, setPasted] = useState('');
  const [busy, setBusy] = useState(false);

  useEffect(() => setAntigravity(props.ns === 'antigravity'), [props.ns]);
  const options = { projectId, antigravity };

  // Once the flow has ended, stop polling: the outcome stays shown.
  usePoll(outcome?.kind === 'waiting' ? flow : null, setOutcome);

  const start = async () => {
    setBusy(true);
    setOutcome(null);
    try {
      const started = await startSignin(options);
      // Only a web address becomes a link: never a `javascript:` one, whatever the server says.
      if (!/^https?:\/\//i.test(started.auth_url)) throw new Error(started.auth_url);
      setFlow({ ...started, expiresAt: Date.now() + started.expires_in * 1000 });
      setOutcome({ kind: 'waiting' });
    } catch (err) {
      setFlow(null);
      setOutcome(failureOf(err));
    } finally {
      setBusy(false);
    }
  };

  const paste = async () => {
    setBusy(true);
    try {
      setOutcome(await pasteCallback(pasted, options));
      setPasted('');
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="card" data-testid="signin">
      <h2>{t('signin.title')}</h2>
      <p class="hint">{t('signin.hint')}</p>
      <div class="signin-options">
        <label>
          {t('signin.projectId')}
          <input
            type="text"
            value={projectId}
            placeholder={t('signin.projectAuto')}
            data-testid="signin-project"
            onInput={(e) => setProjectId(e.currentTarget.value)}
          />
        </label>
        <label class="inline">
          <input
            type="checkbox"
            checked={antigravity}
            data-testid="signin-antigravity"
            onChange={(e) => setAntigravity(e.currentTarget.checked)}
          />
          {t('signin.antigravity')}
        </label>
        <button
          type="button"
          class="primary"
          disabled={busy}
          data-testid="signin-start"
          onClick={() => void start()}
        >
          {t('signin.start')}
        </button>
      </div>
      {flow && (
        <p>
          <a
            href={flow.auth_url}
            target="_blank"
            rel="noopener noreferrer"
            class="button"
            data-testid="signin-link"
          >
            {t('signin.open')}
          </a>
        </p>
      )}
      {outcome && <SigninOutcomeView outcome={outcome} />}
      <label class="signin-paste">
        {t('signin.paste')}
        <input
          type="url"
          value={pasted}
          placeholder="http://localhost:8080/?state=…&code=…"
          spellcheck={false}
          data-testid="signin-paste"
          onInput={(e) => setPasted(e.currentTarget.value)}
        />
      </label>
      <button
        type="button"
        disabled={busy || !pasted.trim()}
        data-testid="signin-paste-submit"
        onClick={() => void paste()}
      >
        {t('signin.finish')}
      </button>
    </div>
  );
}
