import { Lz4Frames } from './lz4-frame';
import type { BufferCodec } from './ipc-message';

/** The IPC buffer codecs the service writes, by the names Arrow's HTTP convention uses. */
export type ArrowCodec = 'lz4';

/**
 * LZ4_FRAME, the codec Arrow's IPC format names, written by the service (lz4-frame.ts) into
 * memory each batch reuses: batches are written one at a time, synchronously, so one writer
 * serves every stream. Node 20 has neither LZ4 nor ZSTD.
 */
const lz4 = new Lz4Frames();

export const CODECS: Record<ArrowCodec, BufferCodec> = {
  lz4: { reset: () => lz4.reset(), compress: (data) => lz4.frame(data) },
};
