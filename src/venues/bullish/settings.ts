import { seconds, setting, type SettingValuesOf } from '../../config/setting.js';

/** Bullish's settings; `port.settings` holds their values under these keys. */
export const BULLISH_SETTINGS = {
  tokenTtlMs: setting({
    flag: 'bullish-token-ttl',
    value: 'seconds',
    env: 'ASSETBOOK_BULLISH_TOKEN_TTL',
    commands: 'serve',
    help: 'lifetime of a Bullish session token from the HMAC login',
    doc: 'lifetime in seconds of a Bullish session token from the HMAC login',
    fallback: '86400',
    parse: seconds('bullish-token-ttl', 1, 30 * 86_400),
  }),
};

export type BullishSettings = SettingValuesOf<typeof BULLISH_SETTINGS>;
