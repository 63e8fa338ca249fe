import { Inject, Injectable, Logger } from '@nestjs/common';
import { request, type Agent } from 'undici';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { DomainError } from '../common/domain-error';
import { serviceAuthHeader } from './trino-http';
import { TRINO_AGENT } from './trino.tokens';

/** What Trino says about one query: who runs it, through which client, and how far it got. */
export interface QueryOwner {
  user: string;
  source?: string;
  state: string;
}

/** Trino's states of a query that has ended: nothing is left to cancel. */
const ENDED = new Set(['FINISHED', 'FAILED']);

/** A Trino query id: `YYYYMMDD_HHMMSS_<index>_<coordinator>`, e.g. 20261205_115007_00038_jr6xp. */
export const QUERY_ID = /^\d{8}_\d{6}_\d{5}_[a-z0-9]{5}$/;

const logger = new Logger('TrinoQueries');

/** A response read whole (they are small); status 0 when Trino could not be reached. */
interface Answer {
  status: number;
  text: string;
}

/**
 * Trino's own record of running queries (`/v1/query/{id}`), so any replica can act on a query
 * another replica started: the service keeps no list of its own that replicas would have to
 * share.
 */
@Injectable()
export class TrinoQueries {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(TRINO_AGENT) private readonly agent: Agent,
  ) {}

  /**
   * The owner of a query that is still running, or undefined when Trino knows no such query
   * or it has ended. Asked as the service's own Trino user, which must be allowed to view
   * other users' queries (Trino's `query` access rules).
   */
  async running(queryId: string): Promise<QueryOwner | undefined> {
    // `pruned` leaves out the per-stage statistics: a fifth of the size, none of it needed.
    const res = await this.send('GET', `${this.uri(queryId)}?pruned=true`, this.serviceUser());
    // Trino answers 410 Gone for a query it does not know (never ran, or long forgotten).
    if (res.status === 410 || res.status === 404) return undefined;
    if (res.status === 401 || res.status === 403) throw this.refused('GET', queryId, res);
    if (res.status !== 200) throw this.unavailable('GET', queryId, res);
    const info = JSON.parse(res.text) as {
      state?: string;
      session?: { user?: string; source?: string };
    };
    const user = info.session?.user;
    if (typeof user !== 'string' || typeof info.state !== 'string') return undefined;
    if (ENDED.has(info.state)) return undefined;
    return { user, source: info.session?.source, state: info.state };
  }

  /**
   * Cancels the query in Trino as `user`, so Trino's own kill rules apply to the caller, not
   * to the service. The owner check is the caller's job: Trino's default rules let anyone kill
   * anything. Returns false when Trino refused.
   */
  async kill(queryId: string, user: string): Promise<boolean> {
    const res = await this.send('DELETE', this.uri(queryId), user);
    if (res.status === 403) return false;
    // 410: it ended between the look-up and the cancel, which is what the caller wanted.
    if ((res.status >= 200 && res.status < 300) || res.status === 410) return true;
    throw this.unavailable('DELETE', queryId, res);
  }

  private uri(queryId: string): string {
    return `${this.config.trino.url}/v1/query/${encodeURIComponent(queryId)}`;
  }

  /** Who the service is in Trino when it asks on its own behalf. */
  private serviceUser(): string {
    return this.config.trino.user ?? this.config.trino.source;
  }

  private async send(method: 'GET' | 'DELETE', uri: string, user: string): Promise<Answer> {
    try {
      const res = await request(uri, {
        method,
        headers: { ...serviceAuthHeader(this.config.trino), 'x-trino-user': user },
        dispatcher: this.agent,
        signal: AbortSignal.timeout(10_000),
      });
      return { status: res.statusCode, text: await res.body.text() };
    } catch (e) {
      logger.warn(`${method} ${uri} failed: ${String(e)}`);
      return { status: 0, text: String(e) };
    }
  }

  private unavailable(method: string, queryId: string, res: Answer): DomainError {
    logger.warn(`${method} query ${queryId}: HTTP ${res.status}: ${res.text.slice(0, 200)}`);
    return new DomainError('TRINO_UNAVAILABLE', 'Trino is unavailable', {}, { 'Retry-After': '5' });
  }

  /** A misconfiguration, not an outage: the service's user may not see other users' queries. */
  private refused(method: string, queryId: string, res: Answer): DomainError {
    logger.error(
      `${method} query ${queryId}: Trino refused the service's user ${this.serviceUser()} ` +
        `(HTTP ${res.status}); it needs the right to view every user's queries: ${res.text.slice(0, 200)}`,
    );
    return new DomainError(
      'TRINO_AUTH_FAILED',
      "Trino refused to show the query to the service's own user",
    );
  }
}
