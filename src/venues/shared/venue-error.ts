import { Refusal, installRefusals, type RefusalRenderer } from '../../http/refusal.js';

/**
 * A venue's side of the one error chain (src/http/refusal.ts): a refusal in the venue's own
 * shape, the renderer each venue implements (tier two: its `LedgerErrorMap`), and the handlers
 * that cover everything under its base paths.
 */

/** A refusal already in the venue's own shape: the status and the body the venue would send. Venue code throws it. */
export class VenueError extends Refusal {
  override readonly name = 'VenueError';
}

/** How one venue renders everything that can go wrong on its routes. */
export type VenueErrorRenderer = RefusalRenderer;

export const installVenueErrors = installRefusals;
