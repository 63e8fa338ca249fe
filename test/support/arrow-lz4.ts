import { CompressionType, compressionRegistry } from 'apache-arrow';
import { decompressFrameSync } from 'lz4-napi';

// apache-arrow leaves codecs to the application. The service only writes LZ4 frames
// (src/query/encoders/arrow/lz4-frame.ts); tests that read its streams with apache-arrow's
// JavaScript reader decompress them with lz4-napi, an implementation that is not ours.
compressionRegistry.set(CompressionType.LZ4_FRAME, {
  decode: (data) => decompressFrameSync(Buffer.from(data.buffer, data.byteOffset, data.byteLength)),
});
