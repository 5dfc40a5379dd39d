import { request as httpRequest } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { HttpHarness } from './http-harness.js';
import { openSocket, type TestSocket } from './ws-client.js';

/** Helpers for Bullish's private-data WebSocket tests: its URL, the ways to present a token, and a raw upgrade to read a refusal. */

export const PRIVATE_DATA = '/trading-api/v1/private-data';

export function streamUrl(h: HttpHarness, query = ''): string {
  return `${h.baseUrl.replace(/^http/, 'ws')}${PRIVATE_DATA}${query}`;
}

/** Opens the stream with the token as Bullish documents it (the JWT_COOKIE cookie), or as a bearer header. */
export function openStream(h: HttpHarness, token: string, how: 'cookie' | 'bearer' = 'cookie', query = ''): Promise<TestSocket> {
  const headers: Record<string, string> = how === 'cookie' ? { cookie: `JWT_COOKIE=${token}` } : { authorization: `Bearer ${token}` };
  return openSocket(streamUrl(h, query), { headers });
}

export interface UpgradeAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

/** Sends a WebSocket upgrade by hand: the HTTP answer when the server refuses it, `dropped` when it closes the connection without one. */
export function rawUpgrade(h: HttpHarness, headers: Readonly<Record<string, string>>): Promise<UpgradeAnswer | 'dropped' | 'upgraded'> {
  const url = new URL(PRIVATE_DATA, h.baseUrl);
  return new Promise((resolve) => {
    // A connection of its own: a refused upgrade's connection is closed, never reused.
    const req = httpRequest(url, {
      agent: false,
      headers: {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': randomBytes(16).toString('base64'),
        ...headers,
      },
    });
    req.on('upgrade', (_res, socket) => {
      socket.destroy();
      resolve('upgraded');
    });
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', () => resolve('dropped'));
    req.end();
  });
}

/** A subscribe as ccxt sends it. */
export function subscribe(id: string, tradingAccountId?: string): Record<string, unknown> {
  return { jsonrpc: '2.0', type: 'command', method: 'subscribe', params: { topic: 'assetAccounts', ...(tradingAccountId === undefined ? {} : { tradingAccountId }) }, id };
}

export function keepalive(id: string): Record<string, unknown> {
  return { jsonrpc: '2.0', type: 'command', method: 'keepalivePing', params: {}, id };
}

export interface PushFrame {
  type: string;
  dataType: string;
  tradingAccountId: string;
  data: Record<string, string>[] | Record<string, string>;
}

export const isPush = (f: Record<string, unknown>): boolean => f.dataType === 'V1TAAssetAccount';

/** A pushed row without the push's own field, to compare with the REST row. */
export function restShape(row: Record<string, string>): Record<string, string> {
  const { publishedAtTimestamp: _published, ...rest } = row;
  return rest;
}
