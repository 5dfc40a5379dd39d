import { request as httpRequest } from 'node:http';

/** A WebSocket upgrade the server answered with an HTTP response instead of switching protocols. */
export interface Refused {
  readonly status: number;
  readonly body: { resultInfo?: { code: number; message: string } };
}

/**
 * Sends a WebSocket upgrade request for `path` (or, with `upgrade` false, a plain GET) and resolves
 * the HTTP answer; rejects when the server switches protocols. A connection of its own (no agent):
 * the server ends the connection after refusing an upgrade.
 */
export function refusedUpgrade(baseUrl: string, path: string, upgrade = true): Promise<Refused> {
  const headers = upgrade ? { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' } : {};
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${baseUrl}${path}`, { headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Refused['body'] }));
    });
    req.on('upgrade', (_res, socket) => {
      socket.destroy();
      reject(new Error(`${path} was upgraded`));
    });
    req.on('error', reject);
    req.end();
  });
}
