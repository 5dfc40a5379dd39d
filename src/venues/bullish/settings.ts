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
  wsIdleMs: setting({
    flag: 'bullish-ws-idle',
    value: 'seconds',
    env: 'ASSETBOOK_BULLISH_WS_IDLE',
    commands: 'serve',
    help: 'a Bullish private-data WebSocket that sends nothing this long is closed (1000)',
    doc: 'seconds a Bullish private-data WebSocket may stay silent (no command, no keepalivePing) before it is closed with 1000; Bullish documents 5 minutes',
    fallback: '300',
    parse: seconds('bullish-ws-idle', 1, 86_400),
  }),
};

export type BullishSettings = SettingValuesOf<typeof BULLISH_SETTINGS>;
