import { Injectable, Logger, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { catchError, from, mergeMap, throwError, type Observable } from 'rxjs';
import { AuditService } from '../audit/audit.service';
import { MetricsService } from '../health/metrics.service';
import { RowAccessDenied } from './access.service';
import { type AccessRequest } from '../common/request-context';
import { auditContextOf } from '../audit/audit-context';

/** Row-level denials (answered 404) are counted and audited like route-level ones. */
@Injectable()
export class AccessDeniedInterceptor implements NestInterceptor {
  private readonly logger = new Logger('AccessDeniedInterceptor');

  constructor(
    private readonly audit: AuditService,
    private readonly metrics: MetricsService,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<AccessRequest>();
    return next.handle().pipe(
      catchError((error: unknown) => {
        if (!(error instanceof RowAccessDenied)) return throwError(() => error);
        this.metrics.accessDenied.inc({ reason: 'row' });
        const route = `${request.baseUrl ?? ''}${(request.route as { path?: string } | undefined)?.path ?? request.path}`;
        const record = this.audit
          .record(auditContextOf(request), {
            action: 'access.denied',
            resourceType: error.subjectType,
            details: { route, method: request.method, reason: 'row', status: 404, policyAction: error.action },
          })
          .catch((auditError: unknown) => this.logger.error({ err: auditError }, 'could not record access.denied'));
        return from(record).pipe(mergeMap(() => throwError(() => error)));
      }),
    );
  }
}
