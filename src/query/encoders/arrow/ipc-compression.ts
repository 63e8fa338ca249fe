import { CompressionType, compressionRegistry, RecordBatchStreamWriter } from 'apache-arrow';
import { compressFrameSync, decompressFrameSync } from 'lz4-napi';

/** The IPC buffer codecs the service writes, by the names Arrow's HTTP convention uses. */
export type ArrowCodec = 'lz4';

const asBuffer = (b: Uint8Array): Buffer => Buffer.from(b.buffer, b.byteOffset, b.byteLength);

// apache-arrow leaves codecs to the application; lz4-napi is lz4_flex (LZ4 in Rust) through
// N-API, prebuilt per platform on npm (Node 20 has neither LZ4 nor ZSTD). Its frame encoder:
// its block encoder, faster alone, wrapped in a frame here measured slower in the service and
// wrote 1.4 % more bytes (bench/README.md). Decode is registered too, for readers in tests.
compressionRegistry.set(CompressionType.LZ4_FRAME, {
  encode: (data) => compressFrameSync(asBuffer(data)),
  decode: (data) => decompressFrameSync(asBuffer(data)),
});

/**
 * apache-arrow's stream writer with LZ4_FRAME body compression, writing each buffer's length
 * prefix as the columnar format defines it. apache-arrow 21.2.0 writes the compressed length
 * there, which its own reader ignores but pyarrow, polars and DuckDB use to size the
 * decompressed buffer, so they refuse the stream (fixed upstream in apache/arrow-js#470, not
 * released yet). Correcting the prefix after the fact stays right once the fix ships.
 */
export class Lz4StreamWriter extends RecordBatchStreamWriter {
  constructor() {
    super({ compressionType: CompressionType.LZ4_FRAME });
  }

  // The return type is apache-arrow's own, whose parts it does not export.
  // eslint-disable-next-line @typescript-eslint/explicit-function-return-type
  protected override _compressBodyBuffers(buffers: ArrayBufferView[]) {
    const out = super._compressBodyBuffers(buffers);
    // out.buffers pairs each input buffer with its 8-byte prefix: [prefix, body, prefix, ...].
    buffers.forEach((input, i) => {
      const prefix = out.buffers[2 * i];
      if (prefix.byteLength !== 8) return; // an empty buffer has no prefix
      const view = new DataView(prefix.buffer, prefix.byteOffset, 8);
      // -1 marks a buffer left uncompressed because compressing did not make it smaller.
      if (view.getBigInt64(0, true) !== -1n) view.setBigInt64(0, BigInt(input.byteLength), true);
    });
    return out;
  }
}
