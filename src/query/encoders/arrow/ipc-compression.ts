import { CompressionType, compressionRegistry } from 'apache-arrow';
import { compressFrameSync, decompressFrameSync } from 'lz4-napi';
import { bytesOf, type BufferCodec } from './ipc-message';

/** The IPC buffer codecs the service writes, by the names Arrow's HTTP convention uses. */
export type ArrowCodec = 'lz4';

/**
 * LZ4_FRAME, the codec Arrow's IPC format names: lz4-napi is lz4_flex (LZ4 in Rust) through
 * N-API, prebuilt per platform on npm (Node 20 has neither LZ4 nor ZSTD). Its frame encoder:
 * its block encoder, faster alone, wrapped in a frame here measured slower in the service and
 * wrote 1.4 % more bytes (bench/README.md).
 */
export const CODECS: Record<ArrowCodec, BufferCodec> = {
  lz4: (data) => compressFrameSync(bytesOf(data)),
};

// apache-arrow leaves codecs to the application. Only its reader needs one (the tests read
// streams with it); the service writes its batches itself (ipc-message.ts).
compressionRegistry.set(CompressionType.LZ4_FRAME, {
  decode: (data) => decompressFrameSync(bytesOf(data)),
});
