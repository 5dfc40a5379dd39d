import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { skippingWriter, type StreamSink } from './fault-stream.js';

/**
 * The fault stream's slow-reader rule (`skippingWriter`), on a sink whose unread bytes the test
 * sets: a reader that does not keep up is never waited for; what it could not take is counted and
 * told as one `skipped` event once it drains, and nothing is lost or told twice. (The stream over
 * a real server is test/console/operator-fault-stream.test.ts; there the kernel's buffers, tens of
 * megabytes on loopback, stand between a paused reader and this rule.)
 */
class Sink extends EventEmitter implements StreamSink {
  destroyed = false;
  writableEnded = false;
  writableLength = 0;
  readonly frames: string[] = [];
  write(chunk: string): boolean {
    this.frames.push(chunk);
    return true;
  }
  /** Each frame as [id, event, data]. */
  events(): [number, string, unknown][] {
    return this.frames.map((f) => {
      const [id, event, data] = f.trimEnd().split('\n').map((line) => line.slice(line.indexOf(': ') + 2));
      return [Number(id), event!, JSON.parse(data!)];
    });
  }
}

test('while the reader has more than the limit unread, events are counted, not written; the next drain tells how many as one skipped event', () => {
  const sink = new Sink();
  const { write } = skippingWriter(sink, 100);
  write('set', { rule: 'a' });
  sink.writableLength = 101;
  for (let i = 0; i < 5; i += 1) write('cleared', {});
  assert.equal(sink.frames.length, 1, 'nothing written past the limit');
  sink.writableLength = 0;
  sink.emit('drain');
  write('removed', { rule: 'a' });
  assert.deepEqual(sink.events(), [
    [1, 'set', { rule: 'a' }],
    [2, 'skipped', { events: 5 }],
    [3, 'removed', { rule: 'a' }],
  ]);
});

test('at the limit exactly an event is still written, and a drain with nothing skipped writes nothing', () => {
  const sink = new Sink();
  const { write } = skippingWriter(sink, 100);
  sink.writableLength = 100;
  write('cleared', {});
  sink.emit('drain');
  assert.deepEqual(sink.events(), [[1, 'cleared', {}]]);
});

test('a drain while the reader is still over the limit writes nothing, and the count told at the next one covers every event missed', () => {
  const sink = new Sink();
  const { write } = skippingWriter(sink, 10);
  sink.writableLength = 11;
  write('cleared', {});
  write('cleared', {});
  sink.emit('drain');
  write('cleared', {});
  assert.equal(sink.frames.length, 0);
  sink.writableLength = 0;
  sink.emit('drain');
  assert.deepEqual(sink.events(), [[1, 'skipped', { events: 3 }]]);
});

test('a closed or ended stream is written nothing, and dispose stops listening for drains', () => {
  const sink = new Sink();
  const { write, dispose } = skippingWriter(sink, 10);
  sink.writableEnded = true;
  write('cleared', {});
  assert.equal(sink.frames.length, 0);
  dispose();
  assert.equal(sink.listenerCount('drain'), 0);
});
