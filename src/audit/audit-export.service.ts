import { Injectable } from '@nestjs/common';
import { Readable } from 'node:stream';
import { Clock } from '../common/clock';
import { TransactionRunner } from '../database/transaction-runner';
import type { AuditContext } from './audit-context';
import {
  CSV_COLUMNS,
  csvRow,
  EXPORT_KIND,
  EXPORT_VERSION,
  rangeProofNodes,
  type ExportHeader,
} from './audit-export-format';
import { readTreeNodes } from './audit-log.repository';
import { AuditSequencer } from './audit-sequencer.service';
import { AuditSigningKey } from './audit-signing';
import {
  countFiltered,
  eventIndexBounds,
  filteredLogPages,
  logPages,
  narrowsBeyondTime,
  type AuditEventRecord,
  type AuditFilter,
} from './audit.repository';
import { AuditProofService } from './audit-proof.service';
import { AuditService } from './audit.service';

export const AUDIT_EXPORTED = 'audit.exported';

export interface AuditExportRequest extends AuditFilter {
  format: 'jsonl' | 'csv';
}

export interface AuditExport {
  header: ExportHeader;
  contentType: string;
  fileName: string;
  body: Readable;
}

/**
 * Streams an export: a contiguous log-index range (from the first sequenced event at or after
 * `from` to the last before `to`), proven against a signed tree head by a range proof in the
 * header, read page by page. Everything committed is sequenced (and a head signed) first. The
 * export is recorded (`audit.exported`) before the first byte goes out; that event lies after the
 * range and appears in later exports.
 */
@Injectable()
export class AuditExportService {
  constructor(
    private readonly transactions: TransactionRunner,
    private readonly audit: AuditService,
    private readonly sequencer: AuditSequencer,
    private readonly signingKey: AuditSigningKey,
    private readonly clock: Clock,
    private readonly proofs: AuditProofService,
  ) {}

  async open(context: AuditContext, request: AuditExportRequest, pageSize = 500): Promise<AuditExport> {
    const { head } = await this.sequencer.flush();
    const header = await this.audit.run(context, async (tx) => {
      const { firstIndex, lastIndex } = await eventIndexBounds(
        tx.manager,
        request.from ?? null,
        request.to ?? null,
        head.treeSize,
      );
      const empty = firstIndex === null || lastIndex === null || firstIndex > lastIndex;
      const positions = empty ? { left: [], right: [] } : rangeProofNodes(firstIndex, lastIndex, head.treeSize);
      const nodes = await readTreeNodes(tx.manager, [...positions.left, ...positions.right]);
      const selected = narrowsBeyondTime(request);
      const count = empty
        ? 0
        : selected
          ? await countFiltered(tx.manager, firstIndex, lastIndex + 1, request)
          : lastIndex - firstIndex + 1;
      const hashOf = ({ level, index }: { level: number; index: number }) => {
        const hash = nodes.get(`${level}/${index}`);
        if (!hash) throw new Error(`the audit tree has no node ${level}/${index}`);
        return hash.toString('base64');
      };
      const exportHeader: ExportHeader = {
        kind: EXPORT_KIND,
        version: EXPORT_VERSION,
        format: request.format,
        exportedAt: this.clock.now().toISOString(),
        range: {
          from: request.from?.toISOString() ?? null,
          to: request.to?.toISOString() ?? null,
          firstIndex: empty ? null : firstIndex,
          lastIndex: empty ? null : lastIndex,
          count,
        },
        treeHead: { treeSize: head.treeSize, rootHash: head.rootHash.toString('base64'), note: head.note },
        rangeProof: { left: positions.left.map(hashOf), right: positions.right.map(hashOf) },
        verifierKey: this.signingKey.verifierKey,
        selection: selected ? { filters: filterText(request) } : null,
      };
      tx.record({
        action: AUDIT_EXPORTED,
        resourceType: 'audit_export',
        details: {
          format: request.format,
          ...exportHeader.range,
          treeSize: head.treeSize,
          ...(exportHeader.selection ? { filters: exportHeader.selection.filters } : {}),
        },
      });
      return exportHeader;
    });
    const stamp = header.exportedAt.replace(/[:.]/g, '-');
    return {
      header,
      contentType: request.format === 'jsonl' ? 'application/x-ndjson; charset=utf-8' : 'text/csv; charset=utf-8',
      fileName: `audit-export-${stamp}.${request.format}`,
      body: Readable.from(this.lines(header, pageSize, request)),
    };
  }

  private async *lines(header: ExportHeader, pageSize: number, filter: AuditFilter): AsyncGenerator<string> {
    if (header.format === 'jsonl') yield `${JSON.stringify(header)}\n`;
    else yield `# ${JSON.stringify(header)}\n${CSV_COLUMNS.join(',')}\n`;
    if (header.range.firstIndex === null || header.range.lastIndex === null) return;
    if (header.selection) {
      const treeSize = header.treeHead?.treeSize;
      for await (const page of filteredLogPages(this.transactions.manager, {
        fromIndex: header.range.firstIndex,
        untilIndex: header.range.lastIndex + 1,
        filter,
        pageSize,
      })) {
        const rows: string[] = [];
        for (const event of page) rows.push(await this.selectedLine(header.format, event, treeSize));
        yield rows.join('\n') + '\n';
      }
      return;
    }
    for await (const page of logPages(this.transactions.manager, {
      fromIndex: header.range.firstIndex,
      untilIndex: header.range.lastIndex + 1,
      pageSize,
    })) {
      // One chunk per page: few writes, and the stream's back-pressure paces the next query.
      yield page.map((event) => (header.format === 'jsonl' ? JSON.stringify(event) : csvRow(event))).join('\n') + '\n';
    }
  }

  /** A line of a filtered export: jsonl carries the event's inclusion proof against the header's tree head. */
  private async selectedLine(
    format: 'jsonl' | 'csv',
    event: AuditEventRecord,
    treeSize: number | undefined,
  ): Promise<string> {
    if (format === 'csv') return csvRow(event);
    const proof = treeSize ? await this.proofs.inclusion(event.logIndex as number, treeSize) : null;
    return JSON.stringify({ ...event, inclusionProof: proof?.auditPath ?? [] });
  }
}

/** The filters of a selection as they appear in the header (dates as ISO 8601). */
function filterText(filter: AuditFilter): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(filter)) {
    if (key === 'format' || value === undefined || value === '') continue;
    out[key] = value instanceof Date ? value.toISOString() : String(value);
  }
  return out;
}
