import { Injectable } from '@nestjs/common';
import { TransactionRunner } from '../database/transaction-runner';
import { actorsOf, searchEvents, type AuditEventRecord, type AuditFilter } from './audit.repository';
import type { AuditFilterDto, SearchAuditEventsDto } from './audit.dto';

/** An event as shown: the stored event plus who its actor is, resolved now (the event itself never changes). */
export type ShownAuditEvent = AuditEventRecord & { actorName: string | null; actorEmail: string | null };

export interface AuditEventPage {
  items: ShownAuditEvent[];
  page: number;
  pageSize: number;
  total: number;
}

/** The DTO's filters as the repository's (dates parsed). */
export function auditFilterOf(query: AuditFilterDto): AuditFilter {
  return {
    actorId: query.actor,
    actorEmail: query.actorEmail,
    action: query.action,
    resourceType: query.resourceType,
    resourceId: query.resourceId,
    q: query.q,
    from: query.from ? new Date(query.from) : undefined,
    to: query.to ? new Date(query.to) : undefined,
  };
}

/** Audit search for compliance: filters (src/audit/README.md, "Search"), newest first, actors by name. */
@Injectable()
export class AuditQueryService {
  constructor(private readonly transactions: TransactionRunner) {}

  async search(query: SearchAuditEventsDto): Promise<AuditEventPage> {
    const page = query.page ?? 1;
    const pageSize = query.pageSize ?? 50;
    const result = await searchEvents(this.transactions.manager, auditFilterOf(query), {
      offset: (page - 1) * pageSize,
      limit: pageSize,
    });
    const actors = await actorsOf(
      this.transactions.manager,
      result.items.map((event) => event.actorId).filter((id): id is string => id !== null),
    );
    const items = result.items.map((event) => {
      const actor = event.actorId ? actors.get(event.actorId) : undefined;
      return { ...event, actorName: actor?.name ?? null, actorEmail: actor?.email ?? null };
    });
    return { items, total: result.total, page, pageSize };
  }
}
