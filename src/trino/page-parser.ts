import { parseExact } from './exact-json';
import {
  mayHoldBigint,
  typeNode,
  type QueryResults,
  type TrinoColumn,
  type TypeNode,
} from './trino-types';

type Check = (v: unknown) => boolean;

/** A checker that says whether a value of `node` lost digits in JSON.parse (an unsafe BIGINT). */
function damageCheck(node: TypeNode): Check | undefined {
  if (!mayHoldBigint(node)) return undefined;
  switch (node.base) {
    case 'bigint':
      return (v) => typeof v === 'number' && !Number.isSafeInteger(v);
    case 'array': {
      // array(map(bigint, x)) may hold a bigint only as a map key, which cannot be damaged.
      const inner = damageCheck(node.args[0]);
      return inner ? (v) => Array.isArray(v) && v.some(inner) : undefined;
    }
    case 'map': {
      // Keys arrive as JSON strings, so only values can be damaged.
      const inner = damageCheck(node.args[1]);
      return inner
        ? (v) => v !== null && typeof v === 'object' && Object.values(v).some(inner)
        : undefined;
    }
    case 'row': {
      const fields = node.args.map(damageCheck);
      if (fields.every((f) => f === undefined)) return undefined;
      return (v) => Array.isArray(v) && fields.some((f, i) => f !== undefined && f(v[i]));
    }
    default:
      return () => false;
  }
}

/**
 * Parses Trino pages exactly at close to JSON.parse speed: every page is parsed with
 * JSON.parse, then only positions that can hold a BIGINT are checked, and only a page where a
 * value lost digits is parsed again with the exact parser.
 */
export class PageParser {
  private checks: { index: number; check: Check }[] = [];
  private columns?: TrinoColumn[];
  /** Pages that needed the exact parser; exposed for tests and benchmarks. */
  reparsed = 0;

  parse(text: string): QueryResults {
    const page = JSON.parse(text) as QueryResults;
    if (page.columns && !this.columns) this.setColumns(page.columns);
    if (page.data && this.checks.length > 0 && this.damaged(page.data)) {
      this.reparsed++;
      return parseExact(text) as QueryResults;
    }
    return page;
  }

  private setColumns(columns: TrinoColumn[]): void {
    this.columns = columns;
    this.checks = columns.flatMap((c, index) => {
      const check = damageCheck(typeNode(c.typeSignature, c.type));
      return check ? [{ index, check }] : [];
    });
  }

  private damaged(rows: unknown[][]): boolean {
    for (const row of rows) {
      for (const { index, check } of this.checks) if (check(row[index])) return true;
    }
    return false;
  }
}
