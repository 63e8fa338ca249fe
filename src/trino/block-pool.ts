/** The size of one block of page bytes: a few socket reads' worth. */
export const BLOCK_BYTES = 64 * 1024;

/**
 * Fixed-size blocks that Trino's page bodies are copied into, handed back once a page is read
 * and reused for the next. Why: a Buffer per socket read is memory outside V8's heap, and V8
 * runs a full collection each time about 64 MiB of it awaits freeing, so a single lineitem
 * download held tens of MiB of dead reads (bench/README.md, "Page tokenizer").
 *
 * At most `keep` free blocks are kept; beyond that a returned block is left to the collector,
 * so a burst of concurrent streams does not pin its peak for the life of the process. A block
 * that is never given back (a cancelled page) is simply collected: the pool holds no lent one.
 */
export class BlockPool {
  private readonly free: Buffer[] = [];

  constructor(private readonly keep = 256) {}

  take(): Buffer {
    return this.free.pop() ?? Buffer.allocUnsafeSlow(BLOCK_BYTES);
  }

  /** Returns blocks nothing reads any more: their bytes will be overwritten. */
  give(blocks: readonly Buffer[]): void {
    for (const b of blocks) {
      if (this.free.length >= this.keep) return;
      if (b.length === BLOCK_BYTES) this.free.push(b);
    }
  }

  /** Free blocks held, for tests and metrics. */
  get size(): number {
    return this.free.length;
  }
}

/** A response body as the blocks it was copied into: `chunks` are their filled parts. */
export class BlockSink {
  readonly blocks: Buffer[] = [];
  private block?: Buffer;
  private used = 0;

  constructor(private readonly pool: BlockPool) {}

  /** Copies `src[s..e)` in. */
  write(src: Buffer, s: number, e: number): void {
    while (s < e) {
      if (this.block === undefined || this.used === this.block.length) {
        this.block = this.pool.take();
        this.blocks.push(this.block);
        this.used = 0;
      }
      const n = src.copy(this.block, this.used, s, e);
      this.used += n;
      s += n;
    }
  }

  /** The bytes written, in order, as views of the blocks. */
  chunks(): Buffer[] {
    const last = this.blocks.length - 1;
    return this.blocks.map((b, i) => (i === last ? b.subarray(0, this.used) : b));
  }
}
