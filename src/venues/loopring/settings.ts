import { oneOf, seconds, setting, type SettingValuesOf } from '../../config/setting.js';

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
  wsKeyTtlMs: setting({
    flag: 'loopring-ws-key-ttl',
    value: 'seconds',
    env: 'ASSETBOOK_LOOPRING_WS_KEY_TTL',
    commands: 'serve',
    help: 'how long a key from GET /v3/ws/key opens a Loopring WebSocket',
    doc: 'seconds a key from `GET /v3/ws/key` opens the Loopring WebSocket (`/v3/ws?wsApiKey=`), on any instance sharing the store',
    fallback: '300',
    parse: seconds('loopring-ws-key-ttl', 1, 86_400),
  }),
  wsPingIntervalMs: setting({
    flag: 'loopring-ws-ping-interval',
    value: 'seconds',
    env: 'ASSETBOOK_LOOPRING_WS_PING_INTERVAL',
    commands: 'serve',
    help: 'seconds between the text pings the Loopring WebSocket sends',
    doc: 'seconds between the text `ping` frames the Loopring WebSocket sends (the venue: 30)',
    fallback: '30',
    parse: seconds('loopring-ws-ping-interval', 0.01, 3600),
  }),
  wsPongTimeoutMs: setting({
    flag: 'loopring-ws-pong-timeout',
    value: 'seconds',
    env: 'ASSETBOOK_LOOPRING_WS_PONG_TIMEOUT',
    commands: 'serve',
    help: 'a Loopring WebSocket that sent no pong for this long is closed',
    doc: 'seconds without a `pong` after which the Loopring WebSocket is closed (the venue: 120)',
    fallback: '120',
    parse: seconds('loopring-ws-pong-timeout', 0.01, 86_400),
  }),
};

export type LoopringSettings = SettingValuesOf<typeof LOOPRING_SETTINGS>;
