import { SETTING_KEYS, SETTINGS, type SettingDefinition } from './settings.registry';

export type ParseResult = { ok: true; value: unknown } | { ok: false; error: string };

/** Validates `input` with the setting's schema; the error is the first issue's message. */
export function parseSetting(definition: SettingDefinition, input: unknown): ParseResult {
  const result = definition.schema.safeParse(input);
  return result.success
    ? { ok: true, value: result.data }
    : { ok: false, error: result.error.issues[0]?.message ?? 'is invalid' };
}

/** The setting's environment value, parsed; `undefined` when the variable is unset or empty. */
export function settingFromEnv(
  definition: SettingDefinition,
  env: Record<string, string | undefined> = process.env,
): ParseResult | undefined {
  const raw = env[definition.env];
  if (raw === undefined || raw === '') return undefined;
  return parseSetting(definition, definition.fromEnv ? definition.fromEnv(raw) : raw);
}

/** One `ENV_VAR: problem` line per invalid setting variable, never echoing a value. */
export function settingEnvProblems(env: Record<string, unknown>): string[] {
  const strings = env as Record<string, string | undefined>;
  return SETTING_KEYS.flatMap((key) => {
    const parsed = settingFromEnv(SETTINGS[key], strings);
    return parsed && !parsed.ok ? [`${SETTINGS[key].env}: ${parsed.error}`] : [];
  });
}
