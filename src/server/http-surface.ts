import { STATUS_CODES } from 'node:http';
import type { RefusalRenderer } from '../http/refusal.js';
import { operatorRenderer } from '../operator/errors.js';
import type { VenueDialect } from '../venues/venue.js';

/**
 * Which surface a request was meant for, and its refusal in that surface's shape, for requests
 * refused before any route runs: a URL Fastify cannot decode, bytes Node's HTTP parser rejects,
 * an unsupported `Expect`, a missing `Host`. The venue owning the URL answers with its own
 * parameter error; anything else gets the operator API's error body.
 */

export interface Refusal {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
}


/** The venue owning a URL: the one with the longest base path the URL starts with. */
export function venueOfUrl(venues: readonly VenueDialect[], url: string): VenueDialect | undefined {
  let best: { venue: VenueDialect; length: number } | undefined;
  for (const venue of venues) {
    for (const base of venue.basePaths) {
      if ((url === base || url.startsWith(`${base}/`) || url.startsWith(`${base}?`) || url.startsWith(`${base}%`)) && base.length > (best?.length ?? -1)) {
        best = { venue, length: base.length };
      }
    }
  }
  return best?.venue;
}

/**
 * The refusal of a request for `url` (its target, or '' when unknown) with `status`: the owning
 * venue's `errors.badRequest` (the venue keeps or replaces the status, as it does for a 413 on
 * its routes), else the operator API's error body.
 */
export function refusalFor(venues: readonly VenueDialect[], url: string, status: number, message: string): Refusal {
  const renderer: RefusalRenderer = venueOfUrl(venues, url)?.errors ?? operatorRenderer;
  const refusal = renderer.badRequest(message, status);
  return { status: refusal.status, headers: refusal.headers, body: refusal.body };
}

/** A complete HTTP/1.1 response carrying the refusal, ending with `connection: close`: for writing straight to a socket. */
export function rawResponse(refusal: Refusal): Buffer {
  const body = Buffer.from(JSON.stringify(refusal.body));
  let head = `HTTP/1.1 ${refusal.status} ${STATUS_CODES[refusal.status] ?? 'Error'}\r\n`;
  for (const [name, value] of Object.entries(refusal.headers)) {
    const lower = name.toLowerCase();
    if (lower !== 'connection' && lower !== 'content-length' && lower !== 'content-type') head += `${name}: ${value}\r\n`;
  }
  head += `content-type: application/json; charset=utf-8\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), body]);
}

/**
 * A request line's start: an upper-case method, one space, then a target in origin form (`/…`)
 * or absolute form (`http://host/…`, whose path is kept), up to the next space or line end.
 */
const REQUEST_LINE = /(?:^|\n)[A-Z][A-Z-]* (?:https?:\/\/[^/ \r\n]*)?(\/[^ \r\n]*)/g;

/**
 * The target of the request Node's parser refused, read from the bytes it was parsing
 * (`rawPacket`, `bytesParsed`: set by Node on parse errors): the last request line that starts at
 * or before the failing byte. The packet may also hold earlier pipelined requests, hence the
 * last; '' when none is in this packet (the request line came in an earlier read).
 */
export function targetOfParseError(error: { rawPacket?: unknown; bytesParsed?: unknown }): string {
  if (!Buffer.isBuffer(error.rawPacket)) return '';
  const end = typeof error.bytesParsed === 'number' ? Math.min(error.bytesParsed + 1, error.rawPacket.length) : error.rawPacket.length;
  const text = error.rawPacket.subarray(0, end).toString('latin1');
  let target = '';
  for (const match of text.matchAll(REQUEST_LINE)) target = match[1] ?? '';
  return target;
}
