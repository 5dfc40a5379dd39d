import { readFileSync } from 'node:fs';

/**
 * The extra response headers a read baseline sends on every answer (bench/bare-server.ts,
 * bench/bare-node-server.ts): the JSON object bench/read.ts wrote from assetbook's answer, names
 * to texts; none without a file.
 */
export function readHeadersFile(file: string | undefined): Record<string, string> {
  if (file === undefined) return {};
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed) || Object.values(parsed).some((v) => typeof v !== 'string')) {
    throw new Error(`${file}: not a JSON object of header names and texts`);
  }
  return parsed as Record<string, string>;
}
