import { test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { hookOf, type SoonOrNow } from './sync-hook.js';

/** One route behind a hook made from `check`; the route says it ran. */
async function appWith(check: () => SoonOrNow) {
  const app = Fastify();
  app.addHook('onRequest', hookOf(check));
  app.get('/', async () => ({ ran: true }));
  await app.ready();
  return app;
}

test('a check that answers at once lets the request through in the same way an async one does', async () => {
  const app = await appWith(() => undefined);
  assert.deepEqual((await app.inject('/')).json(), { ran: true });
  await app.close();
});

test('a check that waits lets the request through once its promise resolves', async () => {
  const app = await appWith(() => Promise.resolve());
  assert.deepEqual((await app.inject('/')).json(), { ran: true });
  await app.close();
});

test('a check that throws at once, or rejects later, refuses the request: the route never runs', async () => {
  for (const check of [
    () => {
      throw Object.assign(new Error('no'), { statusCode: 429 });
    },
    () => Promise.reject(Object.assign(new Error('no'), { statusCode: 429 })),
  ]) {
    const app = await appWith(check);
    const answer = await app.inject('/');
    assert.equal(answer.statusCode, 429);
    assert.doesNotMatch(answer.body, /ran/);
    await app.close();
  }
});
