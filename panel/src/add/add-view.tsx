import { useState } from 'preact/hooks';
import { ApiError, api, uploadFiles } from '../api/client';
import {
  type ImportResult,
  type ImportTextResponse,
  type Namespace,
  nsPath,
  type UploadResponse,
} from '../api/types';
import { t } from '../i18n/i18n';
import { Banner, type BannerMessage, errorBanner } from '../ui/banner';
import { NsSwitch } from '../ui/ns-switch';
import { ImportResults } from './import-results';
import { SigninSection } from './signin-section';

interface Outcome {
  summary: string;
  results: ImportResult[];
}

/** An import answer, or the same body on the 400 that says nothing was stored. */
function outcomeOf(body: unknown): Outcome | null {
  const b = body as Partial<UploadResponse> | undefined;
  if (!b || !Array.isArray(b.results)) return null;
  return { summary: String(b.message ?? ''), results: b.results };
}

const UPLOAD_PATH: Record<Namespace, string> = {
  geminicli: '/auth/upload',
  antigravity: '/antigravity/upload',
};

/**
 * Adds credentials: Google sign-in (open the link, then the gateway's callback or the pasted
 * address), `.json` files and `.zip` archives (dropped or picked) with upload progress and the
 * per-file results, or pasted JSON.
 */
export function AddView(props: { ns: Namespace; onNs(ns: Namespace): void }) {
  const { ns } = props;
  const [progress, setProgress] = useState<{ count: number; fraction: number } | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [message, setMessage] = useState<BannerMessage | null>(null);
  const [dragging, setDragging] = useState(false);
  const [text, setText] = useState('');

  const finish = (err: unknown) => {
    const fromError = err instanceof ApiError ? outcomeOf(err.body) : null;
    if (fromError) setOutcome(fromError);
    setMessage(errorBanner(err));
  };

  const upload = async (list: FileList | null) => {
    const files = [...(list ?? [])];
    if (files.length === 0 || progress) return;
    setOutcome(null);
    setMessage(null);
    setProgress({ count: files.length, fraction: 0 });
    try {
      const answer = await uploadFiles<UploadResponse>(UPLOAD_PATH[ns], files, (fraction) =>
        setProgress({ count: files.length, fraction }),
      );
      setOutcome(outcomeOf(answer));
    } catch (err) {
      finish(err);
    } finally {
      setProgress(null);
    }
  };

  const importText = async () => {
    let content: unknown;
    try {
      content = JSON.parse(text);
    } catch (err) {
      setMessage({ kind: 'error', text: t('add.badJson', { message: (err as Error).message }) });
      return;
    }
    setOutcome(null);
    setMessage(null);
    try {
      const answer = await api<ImportTextResponse>(nsPath(ns, '/creds/import-text'), {
        json: { content, is_antigravity: ns === 'antigravity' },
      });
      const got = outcomeOf(answer);
      if (got) setOutcome(got);
      else setMessage({ kind: 'ok', text: answer.message });
    } catch (err) {
      finish(err);
    }
  };

  const percent = progress ? Math.round(progress.fraction * 100) : 0;
  return (
    <section class="view" data-testid="add-view">
      <div class="toolbar">
        <span>{t('add.target')}</span>
        <NsSwitch ns={ns} onNs={props.onNs} />
      </div>
      <Banner message={message} onClose={() => setMessage(null)} />
      <SigninSection ns={ns} />
      <div class="card">
        <h2>{t('add.files')}</h2>
        <div
          class={dragging ? 'dropzone over' : 'dropzone'}
          data-testid="dropzone"
          onDragOver={(e) => {
            e.preventDefault();
            setDragging(true);
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={(e) => {
            e.preventDefault();
            setDragging(false);
            void upload(e.dataTransfer?.files ?? null);
          }}
        >
          <span>{t('add.drop')} </span>
          <label class="button primary">
            {t('add.pick')}
            <input
              type="file"
              multiple
              accept=".json,.zip,application/json,application/zip"
              class="visually-hidden"
              data-testid="file-input"
              disabled={progress !== null}
              onChange={(e) => {
                void upload(e.currentTarget.files);
                e.currentTarget.value = '';
              }}
            />
          </label>
        </div>
        {progress && (
          <div class="progress" data-testid="upload-progress">
            <progress max={100} value={percent} />
            <span>
              {percent < 100
                ? t('add.uploading', { count: progress.count, percent })
                : t('add.processing')}
            </span>
          </div>
        )}
      </div>
      {outcome && <ImportResults summary={outcome.summary} results={outcome.results} />}
      <div class="card">
        <h2>{t('add.paste')}</h2>
        <p class="hint">{t('add.pasteHint')}</p>
        <textarea
          rows={8}
          spellcheck={false}
          value={text}
          data-testid="paste"
          onInput={(e) => setText(e.currentTarget.value)}
        />
        <button
          type="button"
          class="primary"
          disabled={!text.trim()}
          onClick={() => void importText()}
        >
          {t('add.import')}
        </button>
      </div>
    </section>
  );
}
