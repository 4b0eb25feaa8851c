import { useEffect, useState } from 'preact/hooks';
import { ApiError, api } from '../api/client';
import type { SettingsView as Settings } from '../api/types';
import { t } from '../i18n/i18n';
import { Banner, type BannerMessage, errorBanner } from '../ui/banner';
import { GROUPS, type SettingEntry, settingEntry } from './setting-catalog';
import { type Draft, SettingField } from './setting-field';

const MASK = '********';

/** The text (or checkbox state) a stored value is edited as. Secrets start empty: never echoed. */
function draftOf(entry: SettingEntry, value: unknown): Draft {
  if (entry.kind === 'bool') return value === true;
  if (entry.kind === 'secret') return '';
  if (Array.isArray(value)) return value.join(', ');
  return value === null || value === undefined ? '' : String(value);
}

/**
 * The value sent for an edited field. Numbers that parse are sent as numbers; anything else is
 * sent as typed, so the gateway's own validation message explains what is wrong with it.
 */
function submitted(entry: SettingEntry, draft: Draft): unknown {
  if (typeof draft === 'boolean') return draft;
  const text = draft.trim();
  if ((entry.kind === 'integer' || entry.kind === 'number') && /^-?\d+(\.\d+)?$/.test(text)) {
    return Number(text);
  }
  return entry.kind === 'secret' ? draft : text;
}

/** Every setting of `/config/get`, grouped, saved all at once through `/config/save`. */
export function SettingsView() {
  const [settings, setSettings] = useState<Settings | null>(null);
  const [drafts, setDrafts] = useState<Record<string, Draft>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<BannerMessage | null>(null);
  const [saving, setSaving] = useState(false);

  const entries = settings
    ? Object.entries(settings.config)
        .filter(([key]) => !key.startsWith('_'))
        .map(([key, value]) => ({ entry: settingEntry(key, value), value }))
    : [];
  const initial = (list: typeof entries) =>
    Object.fromEntries(list.map(({ entry, value }) => [entry.key, draftOf(entry, value)]));

  const load = async () => {
    try {
      const next = await api<Settings>('/config/get');
      setSettings(next);
      const list = Object.entries(next.config).map(([key, value]) => ({
        entry: settingEntry(key, value),
        value,
      }));
      setDrafts(initial(list));
      setErrors({});
    } catch (err) {
      setMessage(errorBanner(err));
    }
  };
  useEffect(() => void load(), []);

  if (!settings) {
    // A failed load says why here: the form, and the banner in it, is not shown yet.
    return message ? (
      <Banner message={message} onClose={() => setMessage(null)} />
    ) : (
      <p class="empty">{t('common.loading')}</p>
    );
  }
  const locked = new Set(settings.env_locked);
  const restart = new Set(settings.restart_required ?? []);
  const start = initial(entries);
  const changed = entries.filter(({ entry }) => drafts[entry.key] !== start[entry.key]);

  const save = async (event: Event) => {
    event.preventDefault();
    if (changed.length === 0) {
      setMessage({ kind: 'ok', text: t('settings.unchanged') });
      return;
    }
    const config = Object.fromEntries(
      changed
        .filter(({ entry }) => !locked.has(entry.key))
        .map(({ entry }) => [entry.key, submitted(entry, drafts[entry.key])]),
    );
    setSaving(true);
    setMessage(null);
    try {
      const answer = await api<{ message: string }>('/config/save', { json: { config } });
      await load();
      setMessage({ kind: 'ok', text: answer.message });
    } catch (err) {
      const problems = err instanceof ApiError ? (err.body as { errors?: unknown })?.errors : null;
      if (Array.isArray(problems)) {
        const byKey: Record<string, string> = {};
        for (const p of problems as Array<{ key?: string; reason?: string }>) {
          if (p.key) byKey[p.key] = `${p.key} ${p.reason ?? ''}`.trim();
        }
        setErrors(byKey);
        setMessage({ kind: 'error', text: t('settings.notSaved') });
      } else {
        setMessage(errorBanner(err));
      }
    } finally {
      setSaving(false);
    }
  };

  return (
    <form
      class="view settings"
      onSubmit={(e) => void save(e)}
      noValidate
      data-testid="settings-view"
    >
      {settings.default_password_in_use && (
        <p class="banner error">{t('settings.defaultPassword')}</p>
      )}
      <Banner message={message} onClose={() => setMessage(null)} />
      {GROUPS.map((group) => {
        const fields = entries.filter(({ entry }) => entry.group === group);
        if (fields.length === 0) return null;
        return (
          <fieldset key={group} class="card group">
            <legend>{t(`group.${group}`)}</legend>
            {fields.map(({ entry, value }) => (
              <SettingField
                key={entry.key}
                entry={entry}
                value={drafts[entry.key] ?? ''}
                locked={locked.has(entry.key)}
                restart={restart.has(entry.key)}
                secretSet={value === MASK}
                error={errors[entry.key]}
                onChange={(next) => setDrafts({ ...drafts, [entry.key]: next })}
              />
            ))}
          </fieldset>
        );
      })}
      <div class="save-bar">
        <button type="submit" class="primary" disabled={saving} data-testid="settings-save">
          {saving ? t('settings.saving') : t('settings.save')}
        </button>
        <button
          type="button"
          disabled={saving || changed.length === 0}
          onClick={() => {
            setDrafts(start);
            setErrors({});
          }}
        >
          {t('settings.reset')}
        </button>
      </div>
    </form>
  );
}
