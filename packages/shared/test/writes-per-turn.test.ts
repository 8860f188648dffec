import { Writable } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import { batchWritesPerTurn } from '../src/redis/socket-writes';

/** A stream that records each chunk group that reached it: one entry per underlying write. */
function recordingStream() {
  const writes: string[][] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      writes.push([chunk.toString()]);
      done();
    },
    writev(chunks, done) {
      writes.push(chunks.map(({ chunk }) => (chunk as Buffer).toString()));
      done();
    },
  });
  return { stream, writes };
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('batchWritesPerTurn', () => {
  it('sends the writes of one turn, microtasks included, in one write and in order', async () => {
    const { stream, writes } = recordingStream();
    batchWritesPerTurn(stream);
    stream.write('a');
    stream.write('b');
    await Promise.resolve();
    stream.write('c');
    expect(writes).toEqual([]);
    await nextTurn();
    expect(writes).toEqual([['a', 'b', 'c']]);
  });

  it('sends the writes of later turns separately', async () => {
    const { stream, writes } = recordingStream();
    batchWritesPerTurn(stream);
    stream.write('a');
    await nextTurn();
    stream.write('b');
    await nextTurn();
    expect(writes).toEqual([['a'], ['b']]);
  });

  it('wraps a socket once however often it is asked', async () => {
    const { stream, writes } = recordingStream();
    batchWritesPerTurn(stream);
    batchWritesPerTurn(stream);
    stream.write('a');
    stream.write('b');
    await nextTurn();
    expect(writes).toEqual([['a', 'b']]);
    expect(stream.writableCorked).toBe(0);
  });
});
