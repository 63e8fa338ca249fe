import { setTimeout as sleep } from 'node:timers/promises';
import { ClientGone, readableFrom, withKeepAlive } from './readable-from';

const CHUNK = 'x'.repeat(10 * 1024);

/** A source that could produce `limit` chunks and records how many were pulled and if it closed. */
function countingSource(limit = 10_000) {
  const state = { pulled: 0, finished: false };
  async function* gen(): AsyncGenerator<string> {
    try {
      while (state.pulled < limit) {
        state.pulled++;
        await Promise.resolve();
        yield CHUNK;
      }
    } finally {
      state.finished = true;
    }
  }
  return { state, iterator: gen() };
}

async function* fromArray(items: string[], delayMs = 0): AsyncGenerator<string> {
  for (const item of items) {
    if (delayMs > 0) await sleep(delayMs);
    yield item;
  }
}

async function collect(readable: AsyncIterable<unknown>): Promise<string> {
  let out = '';
  for await (const chunk of readable) out += String(chunk);
  return out;
}

async function drain<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const v of it) out.push(v);
  return out;
}

/** The stream buffers up to four chunks ahead of its reader, plus the chunk in hand. */
const AHEAD = 4 + 2;

const noClose = (): Promise<void> => Promise.resolve();

const ticks = async (n: number): Promise<void> => {
  for (let i = 0; i < n; i++) await sleep(1);
};

describe('readableFrom', () => {
  it('passes every chunk through in order and ends', async () => {
    const controller = new AbortController();
    const items = ['a', 'bc', '', 'déf', 'g'];
    expect(await collect(readableFrom(fromArray(items), controller, noClose))).toBe(items.join(''));
  });

  it('ends on an empty source', async () => {
    expect(await collect(readableFrom(fromArray([]), new AbortController(), noClose))).toBe('');
  });

  it('pulls only a bounded number of chunks while nothing reads (backpressure)', async () => {
    const { state, iterator } = countingSource();
    const readable = readableFrom(iterator, new AbortController(), noClose);
    readable.pause();
    // Start the stream flowing once, then never read again.
    readable.read(0);
    await ticks(20);
    const pulledWhileIdle = state.pulled;
    expect(pulledWhileIdle).toBeGreaterThan(0);
    expect(pulledWhileIdle).toBeLessThanOrEqual(AHEAD);
    await ticks(20);
    expect(state.pulled).toBe(pulledWhileIdle);
    readable.destroy();
  });

  it('pulls more as the consumer reads, still bounded ahead of it', async () => {
    const { state, iterator } = countingSource();
    const readable = readableFrom(iterator, new AbortController(), noClose);
    let consumed = 0;
    for await (const chunk of readable) {
      consumed += String(chunk).length / CHUNK.length;
      expect(state.pulled - consumed).toBeLessThanOrEqual(AHEAD);
      if (consumed >= 50) break;
    }
    expect(consumed).toBeGreaterThanOrEqual(50);
    await ticks(5);
    expect(state.pulled).toBeLessThanOrEqual(50 + AHEAD);
    expect(state.finished).toBe(true);
  });

  it('destroy() aborts the controller with ClientGone and closes the source', async () => {
    const { state, iterator } = countingSource();
    const controller = new AbortController();
    const readable = readableFrom(iterator, controller, noClose);
    readable.read(0);
    await ticks(5);
    const closed = new Promise((resolve) => readable.once('close', resolve));
    readable.destroy();
    expect(controller.signal.aborted).toBe(true);
    expect(controller.signal.reason).toBeInstanceOf(ClientGone);
    expect((controller.signal.reason as Error).name).toBe('ClientGone');
    await closed;
    expect(state.finished).toBe(true);
  });

  it('destroy() before any read still aborts and calls return()', async () => {
    const controller = new AbortController();
    const ret = jest.fn(() => Promise.resolve({ done: true as const, value: undefined }));
    const source: AsyncIterator<string> = {
      next: () => new Promise(() => undefined),
      return: ret,
    };
    const readable = readableFrom(source, controller, noClose);
    const closed = new Promise((resolve) => readable.once('close', resolve));
    readable.destroy();
    await closed;
    expect(controller.signal.reason).toBeInstanceOf(ClientGone);
    expect(ret).toHaveBeenCalledTimes(1);
  });

  it('destroy() keeps an earlier abort reason', async () => {
    const controller = new AbortController();
    const reason = new Error('cancelled by owner');
    controller.abort(reason);
    const readable = readableFrom(fromArray(['a']), controller, noClose);
    const closed = new Promise((resolve) => readable.once('close', resolve));
    readable.destroy();
    await closed;
    expect(controller.signal.reason).toBe(reason);
  });

  it('destroy() completes even if return() rejects', async () => {
    const source: AsyncIterator<string> = {
      next: () => Promise.resolve({ done: false, value: 'a' }),
      return: () => Promise.reject(new Error('cleanup failed')),
    };
    const readable = readableFrom(source, new AbortController(), noClose);
    const closed = new Promise((resolve) => readable.once('close', resolve));
    readable.destroy();
    await expect(closed).resolves.toBeUndefined();
  });

  it('a source that throws destroys the stream with that error', async () => {
    const boom = new Error('trino failed');
    async function* failing(): AsyncGenerator<string> {
      yield 'a';
      await Promise.resolve();
      throw boom;
    }
    const readable = readableFrom(failing(), new AbortController(), noClose);
    const errored = new Promise<unknown>((resolve) => readable.once('error', resolve));
    readable.resume();
    expect(await errored).toBe(boom);
    expect(readable.destroyed).toBe(true);
  });

  it('a source that throws makes an async consumer reject with that error', async () => {
    const boom = new Error('page failed');
    const failing = (): AsyncIterator<string> => ({ next: () => Promise.reject(boom) });
    await expect(collect(readableFrom(failing(), new AbortController(), noClose))).rejects.toBe(
      boom,
    );
  });
});

describe('withKeepAlive', () => {
  it('passes values through in order when the source is never silent', async () => {
    const items = ['a', 'b', 'c', 'd'];
    expect(await drain(withKeepAlive(fromArray(items), 1_000, 'K'))).toEqual(items);
  });

  it('with fake timers: one keep-alive per silent interval', async () => {
    jest.useFakeTimers();
    try {
      let release: (v: IteratorResult<string>) => void = () => undefined;
      const source: AsyncIterator<string> = {
        next: () => new Promise((resolve) => (release = resolve)),
      };
      const it = withKeepAlive(source, 15_000, ': keep-alive\n\n');
      const first = it.next();
      await jest.advanceTimersByTimeAsync(14_999);
      let settled = false;
      void first.then(() => (settled = true));
      await Promise.resolve();
      expect(settled).toBe(false);
      await jest.advanceTimersByTimeAsync(1);
      expect(await first).toEqual({ done: false, value: ': keep-alive\n\n' });
      const second = it.next();
      await jest.advanceTimersByTimeAsync(15_000);
      expect(await second).toEqual({ done: false, value: ': keep-alive\n\n' });
      const third = it.next();
      release({ done: false, value: 'row' });
      expect(await third).toEqual({ done: false, value: 'row' });
      const fourth = it.next();
      release({ done: true, value: undefined });
      expect(await fourth).toEqual({ done: true, value: undefined });
    } finally {
      jest.useRealTimers();
    }
  });

  it('closes the source when the consumer stops early', async () => {
    let finished = false;
    async function* source(): AsyncGenerator<string> {
      try {
        yield await Promise.resolve('a');
        yield 'b';
      } finally {
        finished = true;
      }
    }
    for await (const v of withKeepAlive(source(), 1_000, 'K')) {
      expect(v).toBe('a');
      break;
    }
    expect(finished).toBe(true);
  });

  it('rethrows a source error', async () => {
    const boom = new Error('boom');
    async function* source(): AsyncGenerator<string> {
      yield 'a';
      await Promise.resolve();
      throw boom;
    }
    await expect(drain(withKeepAlive(source(), 1_000, 'K'))).rejects.toBe(boom);
  });

  it('leaves no timer running after it ends', async () => {
    jest.useFakeTimers();
    try {
      const out = drain(withKeepAlive(fromArray(['a']), 50, 'K'));
      await jest.advanceTimersByTimeAsync(0);
      expect(await out).toEqual(['a']);
      expect(jest.getTimerCount()).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });

  it('runs onClose when destroyed before the first read (a generator never started skips its finally)', async () => {
    let finallyRan = false;
    async function* gen(): AsyncGenerator<string> {
      try {
        await Promise.resolve();
        yield 'never read';
      } finally {
        finallyRan = true;
      }
    }
    const closed = jest.fn(() => Promise.resolve());
    const controller = new AbortController();
    const readable = readableFrom(gen(), controller, closed);
    readable.destroy();
    await new Promise((r) => readable.once('close', r));
    expect(finallyRan).toBe(false);
    expect(closed).toHaveBeenCalledTimes(1);
    expect(controller.signal.reason).toBeInstanceOf(ClientGone);
  });
});
