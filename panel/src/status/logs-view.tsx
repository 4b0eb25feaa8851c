import { useEffect, useRef, useState } from 'preact/hooks';
import { api, authHeaders, check, download } from '../api/client';
import { t } from '../i18n/i18n';
import { Banner, type BannerMessage, errorBanner } from '../ui/banner';
import { levelOf } from './log-level';

const LEVELS = ['all', 'error', 'warn', 'info', 'debug'] as const;
type Level = (typeof LEVELS)[number];
/** Lines kept in the page; older ones scroll away. */
const KEPT = 2000;

/**
 * Reads `GET /auth/logs/stream` (Server-Sent Events) with fetch, since EventSource cannot send
 * the session header, calling `onLine` for each `data:` line until aborted or the server ends it.
 */
async function follow(signal: AbortSignal, onLine: (line: string) => void): Promise<void> {
  const response = await fetch('/auth/logs/stream', { headers: authHeaders(), signal });
  if (!response.ok || !response.body) {
    check(response.status, await response.json().catch(() => undefined), response.statusText);
    return;
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    const events = buffer.split('\n\n');
    buffer = events.pop() ?? '';
    for (const event of events) {
      const data = event
        .split('\n')
        .filter((l) => l.startsWith('data: '))
        .map((l) => l.slice(6));
      if (data.length) onLine(data.join('\n'));
    }
  }
}

/** The live log tail with a level filter, follow, download and clear. */
export function LogsView() {
  const [lines, setLines] = useState<string[]>([]);
  const [level, setLevel] = useState<Level>('all');
  const [connected, setConnected] = useState(false);
  const [autoscroll, setAutoscroll] = useState(true);
  const [message, setMessage] = useState<BannerMessage | null>(null);
  const abort = useRef<AbortController | null>(null);
  const box = useRef<HTMLPreElement>(null);

  const connect = () => {
    abort.current?.abort();
    const controller = new AbortController();
    abort.current = controller;
    setConnected(true);
    follow(controller.signal, (line) => setLines((old) => [...old.slice(-(KEPT - 1)), line]))
      .catch((err) => {
        if (!controller.signal.aborted) setMessage(errorBanner(err));
      })
      .finally(() => {
        if (abort.current === controller) setConnected(false);
      });
  };
  const disconnect = () => {
    abort.current?.abort();
    abort.current = null;
    setConnected(false);
  };
  useEffect(() => {
    connect();
    return disconnect;
  }, []);

  const shown = level === 'all' ? lines : lines.filter((line) => levelOf(line) === level);
  // On every new line: past KEPT lines the count stays the same while the lines move on.
  useEffect(() => {
    if (autoscroll && box.current) box.current.scrollTop = box.current.scrollHeight;
  }, [lines, level, autoscroll]);

  const clear = async () => {
    if (!confirm(t('logs.confirmClear'))) return;
    try {
      const answer = await api<{ message: string }>('/auth/logs/clear', { method: 'POST' });
      setLines([]);
      setMessage({ kind: 'ok', text: answer.message });
    } catch (err) {
      setMessage(errorBanner(err));
    }
  };

  return (
    <div class="card logs" data-testid="logs">
      <div class="dialog-head">
        <h2>{t('logs.title')}</h2>
        <span class={connected ? 'badge on' : 'badge off'}>
          {connected ? t('logs.connected') : t('logs.disconnected')}
        </span>
      </div>
      <div class="filters">
        <label>
          {t('logs.level')}
          <select value={level} onChange={(e) => setLevel(e.currentTarget.value as Level)}>
            {LEVELS.map((l) => (
              <option key={l} value={l}>
                {l === 'all' ? t('logs.level.all') : l.toUpperCase()}
              </option>
            ))}
          </select>
        </label>
        <label class="inline">
          <input
            type="checkbox"
            checked={autoscroll}
            onChange={(e) => setAutoscroll(e.currentTarget.checked)}
          />
          {t('logs.autoscroll')}
        </label>
        <button type="button" onClick={connected ? disconnect : connect}>
          {connected ? t('logs.disconnect') : t('logs.connect')}
        </button>
        <button
          type="button"
          onClick={() =>
            void download('/auth/logs/download', 'gcli2api_logs.txt').catch((err) =>
              setMessage(errorBanner(err)),
            )
          }
        >
          {t('logs.download')}
        </button>
        <button type="button" class="danger" onClick={() => void clear()}>
          {t('logs.clear')}
        </button>
      </div>
      <Banner message={message} onClose={() => setMessage(null)} />
      <pre class="log" ref={box} data-testid="log-lines">
        {shown.length === 0
          ? t('logs.empty')
          : shown.map((line, i) => (
              <div key={i} class={`log-${levelOf(line)}`}>
                {line}
              </div>
            ))}
      </pre>
    </div>
  );
}
