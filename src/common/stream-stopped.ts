/**
 * The abort reason when a stream is stopped by someone other than its reader (its owner's
 * DELETE, or the shutdown drain): the reader is still there and is told why.
 */
export class StreamStopped extends Error {
  override name = 'StreamStopped';
  constructor(
    message: string,
    readonly errorName = 'USER_CANCELED',
    readonly errorType = 'USER_ERROR',
  ) {
    super(message);
  }
}
