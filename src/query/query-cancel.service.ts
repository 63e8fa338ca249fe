import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { DomainError } from '../common/domain-error';
import type { Principal } from '../auth/principal';
import { QUERY_ID, TrinoQueries } from '../trino/trino-queries';
import { QueryRegistry } from './query-registry.service';

/**
 * `DELETE /query/{id}` on any replica. A query this replica runs is stopped here, so its
 * stream says at once who stopped it; any other is looked up in Trino, which every replica
 * shares, and cancelled there. The owner check is always the service's own.
 */
@Injectable()
export class QueryCancel {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly registry: QueryRegistry,
    private readonly trino: TrinoQueries,
  ) {}

  async cancel(queryId: string, principal: Principal): Promise<void> {
    if (!QUERY_ID.test(queryId))
      throw new DomainError(
        'BAD_QUERY_ID',
        'queryId must be a Trino query id such as 20261205_115007_00038_jr6xp',
      );
    if (this.registry.cancel(queryId, principal.user)) return;
    const owner = await this.trino.running(queryId);
    // A query started by another client of Trino is none of this service's business.
    if (!owner || owner.source !== this.config.trino.source)
      throw new DomainError('QUERY_NOT_FOUND', `no running query ${queryId}`);
    if (owner.user !== principal.user)
      throw new DomainError('QUERY_NOT_OWNER', 'the query belongs to another user');
    if (!(await this.trino.kill(queryId, principal.user)))
      throw new DomainError('QUERY_FORBIDDEN', 'Trino refused to cancel the query');
  }
}
