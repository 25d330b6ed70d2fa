import { Injectable, NotFoundException } from '@nestjs/common';
import type { AccessAction, AccessSubject } from '../common/access.decorators';
import type { AccessSubjectRow, AppAbility } from '../common/access.decorators';
import { accessibleWhere, type AccessibleWhereOptions, type SqlCondition } from './accessible-where';

/**
 * A row the caller may not touch: answered as 404 so its existence does not leak. The access
 * interceptor counts it and records `access.denied`.
 */
export class RowAccessDenied extends NotFoundException {
  constructor(
    readonly action: AccessAction,
    readonly subjectType: string,
  ) {
    super(`${subjectType} not found`);
  }
}

/** Row-level helpers for services: `assertCan` after loading a row, `where` for list queries. */
@Injectable()
export class AccessService {
  /** Throws 404 unless the ability allows `action` on this row (`subject('Claim', row)`). */
  assertCan(ability: AppAbility, action: AccessAction, row: AccessSubjectRow): void {
    if (!ability.can(action, row)) {
      throw new RowAccessDenied(action, row.__caslSubjectType__);
    }
  }

  where(
    ability: AppAbility,
    subjectType: Exclude<AccessSubject, 'all'>,
    options?: AccessibleWhereOptions,
  ): SqlCondition {
    return accessibleWhere(ability, subjectType, options);
  }
}

export { accessibleWhere };
