import type { TObject, TSchema } from '@sinclair/typebox';

/**
 * What the OpenAPI document says about a venue's routes beyond their response schemas. Venue
 * routes read their query and headers by hand, in the venue's own order and with the venue's own
 * error codes, so these schemas describe the parameters and are never used to validate them.
 */
export interface VenueOperationDoc {
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  /** Names of the security schemes the call needs, all of them; empty for a public call. */
  readonly security: readonly string[];
  readonly querystring?: TObject;
  readonly headers?: TObject;
  readonly params?: TObject;
  /** The JSON request body a POST reads (described, not used to validate it). */
  readonly body?: TObject;
  /** Every refusal status the call can answer, each in the venue's error shape. */
  readonly refusals: readonly number[];
  /** The path as OpenAPI writes it, when Fastify's route is a wildcard. */
  readonly path?: string;
}

export interface VenueApiDoc {
  readonly tag: string;
  readonly description: string;
  readonly securitySchemes: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** The venue's error body, with an `$id`: its component name. */
  readonly errorSchema: TSchema;
  /** By `METHOD /full/path` exactly as the route is registered. */
  readonly operations: Readonly<Record<string, VenueOperationDoc>>;
}
