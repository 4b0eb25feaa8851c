import { PROBLEM_CODES, type StatusFilters } from '../api/types';
import { t } from '../i18n/i18n';
import type { MessageKey } from '../i18n/en';

export const PAGE_SIZES = [20, 50, 100, 200, 500, 1000];
const ERROR_CODES = ['400', '401', '403', '404', '429', '500', '502', '503'];

/** One labelled drop-down: `options` are value and shown text. */
function Choice(props: {
  label: MessageKey;
  testId: string;
  value: string;
  options: Array<[value: string, text: string]>;
  onChange(value: string): void;
}) {
  return (
    <label>
      {t(props.label)}
      <select
        value={props.value}
        data-testid={props.testId}
        onChange={(e) => props.onChange(e.currentTarget.value)}
      >
        {props.options.map(([value, text]) => (
          <option key={value} value={value}>
            {text}
          </option>
        ))}
      </select>
    </label>
  );
}

/** State, error code, cooldown, problem and page size; any change goes back to the first page. */
export function CredentialFilters(props: {
  filters: StatusFilters;
  onChange(next: StatusFilters): void;
}) {
  const f = props.filters;
  const set = (patch: Partial<StatusFilters>) => props.onChange({ ...f, ...patch, offset: 0 });
  const states = ['all', 'enabled', 'disabled'] as const;
  const cooldowns = ['all', 'in_cooldown', 'no_cooldown'] as const;
  return (
    <div class="filters">
      <Choice
        label="filter.status"
        testId="filter-status"
        value={f.status_filter}
        options={states.map((s) => [s, t(`filter.status.${s}`)])}
        onChange={(v) => set({ status_filter: v as StatusFilters['status_filter'] })}
      />
      <Choice
        label="filter.error"
        testId="filter-error"
        value={f.error_code_filter}
        options={[
          ['all', t('filter.error.all')],
          ...ERROR_CODES.map((c): [string, string] => [c, c]),
        ]}
        onChange={(v) => set({ error_code_filter: v })}
      />
      <Choice
        label="filter.cooldown"
        testId="filter-cooldown"
        value={f.cooldown_filter}
        options={cooldowns.map((c) => [c, t(`filter.cooldown.${c}`)])}
        onChange={(v) => set({ cooldown_filter: v as StatusFilters['cooldown_filter'] })}
      />
      <Choice
        label="filter.problem"
        testId="filter-problem"
        value={f.problem_filter}
        options={[
          ...(['all', 'any', 'none'] as const).map((p): [string, string] => [
            p,
            t(`filter.problem.${p}`),
          ]),
          ...PROBLEM_CODES.map((code): [string, string] => [code, t(`problem.${code}`)]),
        ]}
        onChange={(v) => set({ problem_filter: v })}
      />
      <Choice
        label="filter.pageSize"
        testId="filter-limit"
        value={String(f.limit)}
        options={PAGE_SIZES.map((n) => [String(n), String(n)])}
        onChange={(v) => set({ limit: Number(v) })}
      />
    </div>
  );
}
