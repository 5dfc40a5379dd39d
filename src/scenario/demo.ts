import type { VenueDemo } from '../venues/venue.js';

/** What the demo needs of a venue: its id and its demo credentials. */
export interface DemoVenue {
  readonly id: string;
  readonly demo: VenueDemo;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The demo scenario: the demo file (assets, users, accounts, venue facts, balances) with each
 * venue's demo credentials merged into its users, by user name, after any the file names itself.
 * So a venue brings its own demo credentials and the file names no venue's keys. A venue's demo
 * naming a user the file does not have is a mistake in that venue's folder: it throws.
 */
export function demoScenario(venues: readonly DemoVenue[], file: unknown): unknown {
  if (!isRecord(file) || !Array.isArray(file.users)) return file;
  const users = file.users.map((user: unknown) => (isRecord(user) ? { ...user } : user));
  for (const venue of venues) {
    for (const [name, entries] of Object.entries(venue.demo.credentials)) {
      const user = users.find((u): u is Record<string, unknown> => isRecord(u) && u.name === name);
      if (!user) throw new Error(`the ${venue.id} demo has credentials for ${name}, who is not a user of the demo scenario`);
      const credentials = isRecord(user.credentials) ? { ...user.credentials } : {};
      const before = credentials[venue.id];
      credentials[venue.id] = [...(Array.isArray(before) ? before : []), ...entries.map((e) => ({ ...e }))];
      user.credentials = credentials;
    }
  }
  return { ...file, users };
}
