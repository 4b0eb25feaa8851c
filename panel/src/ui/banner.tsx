/** A message above a view: what an action did, or why it failed. */
export interface BannerMessage {
  kind: 'ok' | 'error';
  text: string;
  /** Further lines, e.g. the names a batch action could not change. */
  details?: string[];
}

export function Banner(props: { message: BannerMessage | null; onClose(): void }) {
  const m = props.message;
  if (!m) return null;
  return (
    <div
      class={`banner ${m.kind}`}
      role={m.kind === 'error' ? 'alert' : 'status'}
      data-testid="banner"
    >
      <span>{m.text}</span>
      <button type="button" class="link" aria-label="×" onClick={props.onClose}>
        ×
      </button>
      {m.details && m.details.length > 0 && (
        <ul>
          {m.details.slice(0, 20).map((line, i) => (
            <li key={i}>{line}</li>
          ))}
          {m.details.length > 20 && <li>… +{m.details.length - 20}</li>}
        </ul>
      )}
    </div>
  );
}

/** The banner for a failed call. */
export function errorBanner(err: unknown): BannerMessage {
  return { kind: 'error', text: err instanceof Error ? err.message : String(err) };
}
