import { SETTING_CATALOG } from '../../panel/src/settings/setting-catalog';
import { SETTING_KEYS, SETTINGS } from '../config/settings.registry';

/**
 * The panel labels, groups and explains each setting itself (in English and Chinese) and names
 * the environment variable that locks it; this keeps that list in step with the registry.
 */
describe('the control panel settings catalog', () => {
  it('has an entry for every setting of the gateway, and none it lacks', () => {
    expect(SETTING_CATALOG.map((e) => e.key).sort()).toEqual([...SETTING_KEYS].sort());
  });

  it('names the environment variable that locks each setting', () => {
    const named = Object.fromEntries(SETTING_CATALOG.map((e) => [e.key, e.env]));
    const expected = Object.fromEntries(SETTING_KEYS.map((key) => [key, SETTINGS[key].env]));
    expect(named).toEqual(expected);
  });

  it('shows secrets as password fields, never their values', () => {
    const secrets = SETTING_KEYS.filter((key) => 'secret' in SETTINGS[key]);
    const shownAsSecret = SETTING_CATALOG.filter((e) => e.kind === 'secret').map((e) => e.key);
    expect(shownAsSecret.sort()).toEqual(secrets.sort());
  });
});
