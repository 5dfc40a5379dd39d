import { seconds, setting, type SettingValuesOf } from '../../config/setting.js';

/** Bitget's settings; `port.settings` holds their values under these keys. */
export const BITGET_SETTINGS = {
  timestampWindowMs: setting({
    flag: 'bitget-timestamp-window',
    value: 'seconds',
    env: 'ASSETBOOK_BITGET_TIMESTAMP_WINDOW',
    commands: 'serve',
    help: 'how far a Bitget ACCESS-TIMESTAMP may be from the server clock, either way',
    doc: 'how many seconds a Bitget `ACCESS-TIMESTAMP` may be from the server clock, either way',
    fallback: '30',
    parse: seconds('bitget-timestamp-window', 1, 86_400),
  }),
  wsPingTimeoutMs: setting({
    flag: 'bitget-ws-ping-timeout',
    value: 'seconds',
    env: 'ASSETBOOK_BITGET_WS_PING_TIMEOUT',
    commands: 'serve',
    help: 'how long a Bitget WebSocket may stay silent (no ping, no frame) before it is closed',
    doc: 'how many seconds a Bitget WebSocket client may send nothing (the venue expects a text `ping` every 30 s) before the socket is closed with 1000 `no ping`',
    fallback: '120',
    parse: seconds('bitget-ws-ping-timeout', 1, 86_400),
  }),
};

export type BitgetSettings = SettingValuesOf<typeof BITGET_SETTINGS>;
