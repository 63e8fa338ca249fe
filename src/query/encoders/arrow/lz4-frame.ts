/**
 * LZ4 frames (https://github.com/lz4/lz4/blob/dev/doc/lz4_Frame_format.md) written into one
 * reused buffer. Arrow's LZ4_FRAME codec compresses each buffer of a record batch as its own
 * frame: thousands of small frames per download. lz4-napi returned each as a new Buffer
 * outside V8's heap, and those waited for a collection (bench/README.md, Arrow downloads);
 * here a batch's frames share memory that the next batch writes over.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { optimized } from '../../../wasm-tiers';

/**
 * Magic number, then FLG (version 1, independent blocks, no checksums), BD (64 KiB blocks) and
 * HC, the second byte of xxHash32 of FLG and BD: fixed, since they are.
 */
const HEADER = [0x04, 0x22, 0x4d, 0x18, 0x60, 0x40, 0x82];
const BLOCK = 64 * 1024;

declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: unknown };
};
/** What wasm/lz4-block.ts exports; ES2022's lib types no WebAssembly, Node has it all. */
interface BlockExports {
  memory: { buffer: ArrayBuffer };
  INPUT: { value: number };
  OUTPUT: { value: number };
  block(n: number): number;
}

/**
 * The block compressor, in WebAssembly (wasm/lz4-block.ts), compiled by V8's optimizing tier:
 * LZ4 takes a fifth less CPU than the same loop did in JavaScript (bench/README.md, Arrow
 * downloads). Its three pages of memory, taken once, are all it ever uses.
 */
const wasm = optimized(() => {
  const bytes = readFileSync(join(__dirname, 'lz4-block.wasm'));
  const exports = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports as BlockExports;
  exports.block(0);
  return exports;
});
/** The module's memory never grows, so one view serves for good. */
const heap = new Uint8Array(wasm.memory.buffer);
const INPUT = wasm.INPUT.value;
const OUTPUT = wasm.OUTPUT.value;

/** Frames written one after another into memory kept from batch to batch. */
export class Lz4Frames {
  private out = Buffer.allocUnsafe(256 * 1024);
  private pos = 0;

  /** Starts a new batch: the frames handed out before are written over from here on. */
  reset(): void {
    this.pos = 0;
  }

  /** `src` as one LZ4 frame, valid until the next `reset`. */
  frame(src: Uint8Array): Uint8Array {
    const n = src.byteLength;
    // Each block is stored compressed only when that is smaller, so the frame is at most the
    // input plus a 4-byte size per block, the header and the end mark.
    this.room(HEADER.length + n + 4 * Math.ceil(n / BLOCK) + 4);
    const out = this.out;
    const start = this.pos;
    let d = start;
    for (const b of HEADER) out[d++] = b;
    for (let s = 0; s < n; s += BLOCK) {
      const e = Math.min(n, s + BLOCK);
      heap.set(src.subarray(s, e), INPUT);
      const packed = wasm.block(e - s);
      if (packed < e - s) {
        out.writeUInt32LE(packed, d);
        out.set(heap.subarray(OUTPUT, OUTPUT + packed), d + 4);
        d += 4 + packed;
      } else {
        // Stored as is, flagged by the size's high bit.
        out.writeUInt32LE((e - s + 0x80000000) >>> 0, d);
        out.set(src.subarray(s, e), d + 4);
        d += 4 + e - s;
      }
    }
    out.writeUInt32LE(0, d);
    this.pos = d + 4;
    return out.subarray(start, this.pos);
  }

  private room(n: number): void {
    if (this.pos + n <= this.out.length) return;
    // Frames already handed out keep the old memory; the new one starts empty.
    this.out = Buffer.allocUnsafe(Math.max(2 * this.out.length, n));
    this.pos = 0;
  }
}
