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
};

export type BitgetSettings = SettingValuesOf<typeof BITGET_SETTINGS>;
