import { oneOf, setting, type SettingValuesOf } from '../../config/setting.js';

/** Loopring's settings; `port.settings` holds their values under these keys. */
export const LOOPRING_SETTINGS = {
  keyScope: setting({
    flag: 'loopring-key-scope',
    value: 'any|own',
    env: 'ASSETBOOK_LOOPRING_KEY_SCOPE',
    commands: 'serve',
    help: 'any: a Loopring API key reads any account, as the venue documents; own: only its own',
    doc: '`any`: any valid Loopring API key reads any account, as the venue documents; `own`: a key reads only its own account',
    fallback: 'any',
    parse: oneOf('loopring-key-scope', ['any', 'own'] as const),
  }),
};

export type LoopringSettings = SettingValuesOf<typeof LOOPRING_SETTINGS>;
