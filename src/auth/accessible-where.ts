import type { AccessAction, AccessSubject } from '../common/access.decorators';
import type { AppAbility } from '../common/access.decorators';

export interface AccessibleWhereOptions {
  /** Table alias the columns are qualified with (default: none). */
  readonly alias?: string;
  /** Default 'list' for list queries; falls back to nothing when the ability has no such rule. */
  readonly action?: AccessAction;
  /** `named` (`:acc_0`, TypeORM QueryBuilder) or `positional` (`$n`, raw `query()`). */
  readonly paramStyle?: 'named' | 'positional';
  /** First `$n` index for positional parameters (default 1). */
  readonly firstIndex?: number;
}

/** A SQL boolean expression and its parameters. `FALSE` when the caller may see no row at all. */
export interface SqlCondition {
  readonly sql: string;
  /** Named style: an object for QueryBuilder `.andWhere(sql, params)`; positional: an array. */
  readonly params: Record<string, unknown>;
  readonly values: unknown[];
  /** True when the ability allows nothing, so the query may be skipped. */
  readonly none: boolean;
}

const OPERATORS = new Set(['$eq', '$ne', '$in', '$nin']);
const PROPERTY = /^[a-zA-Z][a-zA-Z0-9]*$/;

class SqlBuilder {
  readonly named: Record<string, unknown> = {};
  readonly values: unknown[] = [];
  constructor(
    private readonly alias: string | undefined,
    private readonly style: 'named' | 'positional',
    private readonly firstIndex: number,
  ) {}

  column(property: string): string {
    if (!PROPERTY.test(property)) throw new Error(`access rule condition on an unsupported field "${property}"`);
    const column = property.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
    return this.alias ? `"${this.alias}"."${column}"` : `"${column}"`;
  }

  param(value: unknown): string {
    if (this.style === 'positional') {
      this.values.push(value);
      return `$${this.firstIndex + this.values.length - 1}`;
    }
    const name = `acc_${Object.keys(this.named).length}`;
    this.named[name] = value;
    return Array.isArray(value) ? `(:...${name})` : `:${name}`;
  }

  /** One rule's conditions: every field must match (AND). */
  conditions(conditions: Record<string, unknown>): string {
    const parts = Object.entries(conditions).map(([property, expected]) => this.field(property, expected));
    return parts.length === 0 ? 'TRUE' : `(${parts.join(' AND ')})`;
  }

  private field(property: string, expected: unknown): string {
    const column = this.column(property);
    if (expected !== null && typeof expected === 'object' && !Array.isArray(expected) && !(expected instanceof Date)) {
      const entries = Object.entries(expected as Record<string, unknown>);
      if (entries.length === 0 || entries.some(([operator]) => !OPERATORS.has(operator))) {
        throw new Error(`access rule condition on "${property}" uses an operator accessibleWhere cannot translate`);
      }
      return entries.map(([operator, value]) => this.operator(column, operator, value)).join(' AND ');
    }
    return this.operator(column, '$eq', expected);
  }

  private operator(column: string, operator: string, value: unknown): string {
    switch (operator) {
      case '$eq':
        return value === null ? `${column} IS NULL` : `${column} = ${this.param(value)}`;
      case '$ne':
        return value === null ? `${column} IS NOT NULL` : `${column} IS DISTINCT FROM ${this.param(value)}`;
      case '$in':
      case '$nin': {
        if (!Array.isArray(value)) throw new Error(`${operator} needs an array`);
        if (value.length === 0) return operator === '$in' ? 'FALSE' : 'TRUE';
        const list = this.style === 'positional' ? `ANY(${this.param(value)})` : this.param(value);
        if (this.style === 'positional')
          return operator === '$in' ? `${column} = ${list}` : `NOT (${column} = ${list})`;
        return operator === '$in' ? `${column} IN ${list}` : `${column} NOT IN ${list}`;
      }
      default:
        throw new Error(`unsupported operator ${operator}`);
    }
  }
}

/**
 * The rows of `subjectType` the ability lets the caller `action` (default 'list'), as a SQL condition for
 * a list query, so a page never holds a row the caller may not see. CASL semantics: rules are
 * considered from the highest priority (declared last) down; an inverted rule excludes its rows, an
 * unconditional allowing rule ends the walk, no allowing rule at all yields `FALSE`.
 */
export function accessibleWhere(
  ability: AppAbility,
  subjectType: Exclude<AccessSubject, 'all'>,
  options: AccessibleWhereOptions = {},
): SqlCondition {
  const builder = new SqlBuilder(options.alias, options.paramStyle ?? 'named', options.firstIndex ?? 1);
  // Each allowing rule counts only for rows that no higher-priority inverted rule excludes.
  const allowed: string[] = [];
  const excluded: string[] = [];
  for (const rule of ability.rulesFor(options.action ?? 'list', subjectType)) {
    if (rule.fields) throw new Error('accessibleWhere does not translate field-level rules');
    const conditions = rule.conditions as Record<string, unknown> | undefined;
    if (rule.inverted) {
      if (!conditions) break; // an unconditional "cannot" hides everything below it
      excluded.push(`NOT ${builder.conditions(conditions)}`);
      continue;
    }
    const parts = [...(conditions ? [builder.conditions(conditions)] : []), ...excluded];
    allowed.push(parts.length === 0 ? 'TRUE' : parts.length === 1 ? parts[0] : `(${parts.join(' AND ')})`);
    if (!conditions) break; // an unconditional "can": lower rules add nothing
  }
  if (allowed.length === 0) return { sql: 'FALSE', params: {}, values: [], none: true };
  const sql = allowed.length === 1 ? allowed[0] : `(${allowed.join(' OR ')})`;
  return { sql, params: builder.named, values: builder.values, none: false };
}
