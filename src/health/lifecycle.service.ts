import { Injectable } from '@nestjs/common';

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

  /** Waits up to `graceMs` for open streams to finish, then aborts the rest. */
  async drain(graceMs: number): Promise<number> {
    if (this.streams.size > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, graceMs);
        this.idleWaiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    const aborted = this.streams.size;
    for (const c of this.streams) c.abort(new Error('service shutting down'));
    return aborted;
  }
}
