import type { IncomingHttpHeaders } from 'node:http';

/** A request header's trimmed text; '' when absent or repeated (Node gives repeats as an array). */
export function headerText(headers: IncomingHttpHeaders, name: string): string {
  const value = headers[name];
  return typeof value === 'string' ? value.trim() : '';
}
