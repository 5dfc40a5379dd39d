import { onOff, setting, type SettingValuesOf } from '../../../../src/config/setting.js';

/** The fourth venue's one setting; `port.settings` holds its value under this key. */
export const FOURTH_SETTINGS = {
  listEmpty: setting({
    flag: 'fourth-list-empty',
    value: 'on|off',
    env: 'ASSETBOOK_FOURTH_LIST_EMPTY',
    commands: 'serve',
    help: 'on: the fourth venue lists every asset in a balance read, held or not; off: only the assets held',
    fallback: 'off',
    parse: onOff('fourth-list-empty'),
  }),
};

export type FourthSettings = SettingValuesOf<typeof FOURTH_SETTINGS>;
