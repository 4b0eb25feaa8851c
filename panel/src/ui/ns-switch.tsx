import type { Namespace } from '../api/types';
import { t } from '../i18n/i18n';

const NAMESPACES: Namespace[] = ['geminicli', 'antigravity'];

/** Chooses the credential namespace a view works on. */
export function NsSwitch(props: { ns: Namespace; onNs(ns: Namespace): void }) {
  return (
    <div class="segmented" role="group">
      {NAMESPACES.map((ns) => (
        <button
          key={ns}
          type="button"
          aria-pressed={props.ns === ns}
          class={props.ns === ns ? 'active' : ''}
          data-testid={`ns-${ns}`}
          onClick={() => props.onNs(ns)}
        >
          {t(`ns.${ns}`)}
        </button>
      ))}
    </div>
  );
}
