import { Injectable } from '@nestjs/common';
import { Readable } from 'node:stream';
import { Clock } from '../common/clock';
import { TransactionRunner } from '../database/transaction-runner';
import type { AuditContext } from './audit-context';
import { CSV_COLUMNS, csvRow, EXPORT_KIND, EXPORT_VERSION, type ExportHeader } from './audit-export-format';
import { eventPages, eventSeqBounds, listCheckpoints } from './audit.repository';
import { AuditSigningKey } from './audit-signing';
import { AuditService } from './audit.service';

export const AUDIT_EXPORTED = 'audit.exported';

export interface AuditExportRequest {
  format: 'jsonl' | 'csv';
  from?: Date;
  to?: Date;
}

export interface AuditExport {
  header: ExportHeader;
  contentType: string;
  fileName: string;
  body: Readable;
}

/**
 * Streams an export: a contiguous range of the chain (from the first event at or after `from` to
 * the last before `to`; contiguous so that it can be verified on its own), fixed when the export
 * starts, read page by page. The export is recorded (`audit.exported`) before the first byte goes
 * out; that event lies after the range and appears in later exports.
 */
@Injectable()
export class AuditExportService {
  constructor(
    private readonly transactions: TransactionRunner,
    private readonly audit: AuditService,
    private readonly signingKey: AuditSigningKey,
    private readonly clock: Clock,
  ) {}

  async open(context: AuditContext, request: AuditExportRequest, pageSize = 500): Promise<AuditExport> {
    const header = await this.audit.run(context, async (tx) => {
      const { firstSeq, lastSeq } = await eventSeqBounds(tx.manager, request.from ?? null, request.to ?? null);
      const empty = firstSeq === null || lastSeq === null || firstSeq > lastSeq;
      const [checkpoint] = empty
        ? []
        : await listCheckpoints(tx.manager, { fromSeq: firstSeq, untilSeq: lastSeq, newestFirst: true, limit: 1 });
      const exportHeader: ExportHeader = {
        kind: EXPORT_KIND,
        version: EXPORT_VERSION,
        format: request.format,
        exportedAt: this.clock.now().toISOString(),
        range: {
          from: request.from?.toISOString() ?? null,
          to: request.to?.toISOString() ?? null,
          firstSeq: empty ? null : firstSeq,
          lastSeq: empty ? null : lastSeq,
          count: empty ? 0 : lastSeq - firstSeq + 1,
        },
        checkpoint: checkpoint ? { ...checkpoint, signedAt: checkpoint.signedAt.toISOString() } : null,
        publicKey: { keyId: this.signingKey.keyId, pem: this.signingKey.publicKeyPem },
      };
      tx.record({
        action: AUDIT_EXPORTED,
        resourceType: 'audit_export',
        details: { format: request.format, ...exportHeader.range, checkpointSeq: checkpoint?.seq ?? null },
      });
      return exportHeader;
    });
    const stamp = header.exportedAt.replace(/[:.]/g, '-');
    return {
      header,
      contentType: request.format === 'jsonl' ? 'application/x-ndjson; charset=utf-8' : 'text/csv; charset=utf-8',
      fileName: `audit-export-${stamp}.${request.format}`,
      body: Readable.from(this.lines(header, pageSize)),
    };
  }

  private async *lines(header: ExportHeader, pageSize: number): AsyncGenerator<string> {
    if (header.format === 'jsonl') yield `${JSON.stringify(header)}\n`;
    else yield `# ${JSON.stringify(header)}\n${CSV_COLUMNS.join(',')}\n`;
    if (header.range.firstSeq === null || header.range.lastSeq === null) return;
    for await (const page of eventPages(this.transactions.manager, {
      afterSeq: header.range.firstSeq - 1,
      untilSeq: header.range.lastSeq,
      pageSize,
    })) {
      // One chunk per page: few writes, and the stream's back-pressure paces the next query.
      yield page.map((event) => (header.format === 'jsonl' ? JSON.stringify(event) : csvRow(event))).join('\n') + '\n';
    }
  }
}
