import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { DomainError } from '../common/domain-error';
import { StreamStopped } from '../common/stream-stopped';
import { MetricsService } from '../observability/metrics.service';

interface Running {
  user: string;
  controller: AbortController;
}

/**
 * The queries running through this process: enforces the per-user concurrency limit and the
 * replica's stream cap (its memory budget), and lets `DELETE /query/{id}` find (and check the
 * owner of) a running query.
 */
@Injectable()
export class QueryRegistry {
  private readonly perUser = new Map<string, number>();
  private readonly byId = new Map<string, Running>();
  private total = 0;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: MetricsService,
  ) {
    metrics.maxConcurrent.set(config.query.maxConcurrent);
  }

  /**
   * Takes one of the user's slots and `slots` of the replica's (a compressed download holds
   * a compressor too, docs/compression.md), or throws: 429 when the user is at their limit
   * (checked first, so one user cannot fill the replica beyond it), 503 when the replica is
   * full. A stream never needs more than the whole cap, so it can always run alone. The
   * returned function gives both back, once.
   */
  acquire(user: string, slots = 1): () => void {
    const { maxConcurrentPerUser, maxConcurrent } = this.config.query;
    const used = this.perUser.get(user) ?? 0;
    if (used >= maxConcurrentPerUser) {
      this.metrics.refused.inc({ reason: 'user_limit' });
      throw new DomainError(
        'TOO_MANY_QUERIES',
        `at most ${maxConcurrentPerUser} concurrent queries per user`,
        {},
        { 'Retry-After': '1' },
      );
    }
    const taken = Math.min(slots, maxConcurrent);
    if (this.total + taken > maxConcurrent) {
      this.metrics.refused.inc({ reason: 'replica_full' });
      throw new DomainError(
        'REPLICA_FULL',
        `this replica is at its limit of ${maxConcurrent} queries in flight; retry shortly`,
        { errorName: 'REPLICA_FULL' },
        { 'Retry-After': '1' },
      );
    }
    this.perUser.set(user, used + 1);
    this.total += taken;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.total -= taken;
      const left = (this.perUser.get(user) ?? 1) - 1;
      if (left > 0) this.perUser.set(user, left);
      else this.perUser.delete(user);
    };
  }

  register(queryId: string, user: string, controller: AbortController): () => void {
    this.byId.set(queryId, { user, controller });
    return () => {
      this.byId.delete(queryId);
    };
  }

  /**
   * Stops a query running here on behalf of `user`; false when it does not run here (another
   * replica may run it). 403 when it is not theirs.
   */
  cancel(queryId: string, user: string): boolean {
    const running = this.byId.get(queryId);
    if (!running) return false;
    if (running.user !== user)
      throw new DomainError('QUERY_NOT_OWNER', 'the query belongs to another user');
    running.controller.abort(new StreamStopped('query cancelled by its owner'));
    return true;
  }
}
