import { lang, t } from '../i18n/i18n';
import type { SettingEntry } from './setting-catalog';

/** A field's value while edited: checkboxes hold booleans, every other input its text. */
export type Draft = string | boolean;

/** One setting: label, input, description, and what locks it or why it was refused. */
export function SettingField(props: {
  entry: SettingEntry;
  value: Draft;
  locked: boolean;
  restart: boolean;
  secretSet: boolean;
  error?: string;
  onChange(value: Draft): void;
}) {
  const { entry, value, locked } = props;
  const [label, description] = entry[lang()];
  const id = `setting-${entry.key}`;
  const common = {
    value: String(value),
    readOnly: locked,
    'aria-invalid': props.error ? true : undefined,
    'aria-describedby': props.error ? `${id}-error` : undefined,
    onInput: (e: { currentTarget: HTMLInputElement }) => props.onChange(e.currentTarget.value),
  };
  const input =
    entry.kind === 'bool' ? (
      <input
        id={id}
        type="checkbox"
        checked={value === true}
        disabled={locked}
        onChange={(e) => props.onChange(e.currentTarget.checked)}
      />
    ) : entry.kind === 'secret' ? (
      <input
        id={id}
        type="password"
        autocomplete="new-password"
        placeholder={`${props.secretSet ? t('settings.secretSet') : t('settings.secretUnset')} · ${t('settings.secretHint')}`}
        {...common}
      />
    ) : (
      <input
        id={id}
        type="text"
        autocomplete="off"
        inputMode={entry.kind === 'integer' || entry.kind === 'number' ? 'decimal' : undefined}
        placeholder={entry.kind === 'codes' ? t('settings.codesHint') : undefined}
        {...common}
      />
    );
  return (
    <div
      class={`field ${entry.kind === 'bool' ? 'field-bool' : ''} ${locked ? 'locked' : ''} ${props.error ? 'invalid' : ''}`}
      data-testid={id}
    >
      <label for={id}>
        {label} <code class="key">{entry.key}</code>
      </label>
      {input}
      {description && <p class="hint">{description}</p>}
      {locked && (
        <p class="hint lock" data-testid={`${id}-locked`}>
          🔒 {t('settings.locked', { env: entry.env })}
        </p>
      )}
      {props.restart && !locked && <p class="hint">{t('settings.restart')}</p>}
      {props.error && (
        <p class="error" id={`${id}-error`} role="alert" data-testid={`${id}-error`}>
          {props.error}
        </p>
      )}
    </div>
  );
}
