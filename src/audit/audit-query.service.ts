import { Injectable } from '@nestjs/common';
import { TransactionRunner } from '../database/transaction-runner';
import { searchEvents, type AuditEventRecord } from './audit.repository';
import type { SearchAuditEventsDto } from './audit.dto';

export interface AuditEventPage {
  items: AuditEventRecord[];
  page: number;
  pageSize: number;
  total: number;
}

/** Audit search for compliance: filters on the indexed columns, newest first. */
@Injectable()
export class AuditQueryService {
  constructor(private readonly transactions: TransactionRunner) {}

  async search(query: SearchAuditEventsDto): Promise<AuditEventPage> {
    const page = query.page ?? 1;
    const pageSize = query.pageSize ?? 50;
    const result = await searchEvents(
      this.transactions.manager,
      {
        actorId: query.actor,
        action: query.action,
        resourceType: query.resourceType,
        resourceId: query.resourceId,
        from: query.from ? new Date(query.from) : undefined,
        to: query.to ? new Date(query.to) : undefined,
      },
      { offset: (page - 1) * pageSize, limit: pageSize },
    );
    return { ...result, page, pageSize };
  }
}
