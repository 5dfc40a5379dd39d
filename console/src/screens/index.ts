import type { FunctionComponent } from 'preact';
import { AccountScreen } from './account.js';
import { AccountsScreen } from './accounts.js';
import { CredentialsScreen } from './credentials.js';
import { FaultsScreen } from './faults.js';
import { JournalScreen } from './journal.js';
import { OperationsScreen } from './operations.js';
import { UsersScreen } from './users.js';

/**
 * The console's screens. A screen is one file in this folder and one line here: its route
 * (`#/<id>/<args…>`), its title in the navigation (none: reached by a link only) and its
 * component, which gets the route's remaining segments.
 */
export interface ScreenProps {
  /** The route's segments after the screen's id (`#/account/7` gives ['7']). */
  readonly args: readonly string[];
}

export interface Screen {
  readonly id: string;
  readonly title?: string;
  readonly component: FunctionComponent<ScreenProps>;
}

export const SCREENS: readonly Screen[] = [
  { id: 'users', title: 'Users', component: UsersScreen },
  { id: 'accounts', title: 'Accounts', component: AccountsScreen },
  { id: 'account', component: AccountScreen },
  { id: 'journal', title: 'Journal', component: JournalScreen },
  { id: 'operations', title: 'Operations', component: OperationsScreen },
  { id: 'credentials', title: 'Credentials', component: CredentialsScreen },
  { id: 'faults', title: 'Faults', component: FaultsScreen },
];

export const HOME = 'users';
