import { Injectable } from '@nestjs/common';
import { StreamStopped } from '../common/stream-stopped';

/** How long aborted streams get to flush their failure trailer before the server closes. */
const TRAILER_MS = 2000;

/**
 * Knows whether the process is draining after SIGTERM, and lets open streams register an
 * abort so the drain can end the ones still running when the grace period is over.
 */
@Injectable()
export class LifecycleService {
  private draining = false;
  private readonly streams = new Set<AbortController>();
  private readonly idleWaiters: (() => void)[] = [];

  get isShuttingDown(): boolean {
    return this.draining;
  }

  get openStreams(): number {
    return this.streams.size;
  }

  beginShutdown(): void {
    this.draining = true;
  }

  /** Registers an open stream; the returned function unregisters it. */
  track(controller: AbortController): () => void {
    this.streams.add(controller);
    return () => {
      this.streams.delete(controller);
      if (this.streams.size === 0) this.idleWaiters.splice(0).forEach((w) => w());
    };
  }

  /**
   * Waits up to `graceMs` for open streams to finish, then aborts the rest and gives them a
   * moment to write their failure trailer (SSE error event, JSON error member).
   */
  async drain(graceMs: number): Promise<number> {
    await this.idle(graceMs);
    const aborted = this.streams.size;
    for (const c of this.streams) {
      c.abort(
        new StreamStopped('the service is shutting down', 'SERVICE_SHUTTING_DOWN', 'EXTERNAL'),
      );
    }
    await this.idle(TRAILER_MS);
    return aborted;
  }

  private idle(timeoutMs: number): Promise<void> {
    if (this.streams.size === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.idleWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
