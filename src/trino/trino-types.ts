/** The parts of Trino's client-protocol JSON the service reads. */
export interface ClientTypeSignature {
  rawType: string;
  arguments?: ClientTypeArgument[];
}

export type ClientTypeArgument =
  | { kind: 'TYPE'; value: ClientTypeSignature }
  | {
      kind: 'NAMED_TYPE';
      value: { fieldName?: { name: string } | null; typeSignature: ClientTypeSignature };
    }
  | { kind: 'LONG'; value: number }
  | { kind: 'VARIABLE'; value: string };

export interface TrinoColumn {
  name: string;
  type: string;
  typeSignature?: ClientTypeSignature;
}

export interface TrinoError {
  message: string;
  errorName?: string;
  errorType?: string;
  errorCode?: number;
}

/** The part of Trino's `stats` the service passes on as progress. */
export interface QueryStats {
  state?: string;
  queued?: boolean;
  processedRows?: number;
  processedBytes?: number;
  /** Only present when Trino can estimate it (not for every query shape). */
  progressPercentage?: number;
}

/** A parsed column type: the base name and its type arguments (row fields carry names). */
export interface TypeNode {
  base: string;
  args: TypeNode[];
  /** Field names of a `row`, undefined for anonymous fields. */
  fieldNames: (string | undefined)[];
}

/** Builds a TypeNode from Trino's `typeSignature` (falls back to the base of `type`). */
export function typeNode(
  signature: ClientTypeSignature | undefined,
  fallback = 'unknown',
): TypeNode {
  if (!signature)
    return { base: fallback.replace(/\(.*$/, '').toLowerCase(), args: [], fieldNames: [] };
  const args: TypeNode[] = [];
  const fieldNames: (string | undefined)[] = [];
  for (const arg of signature.arguments ?? []) {
    if (arg.kind === 'TYPE') {
      args.push(typeNode(arg.value));
      fieldNames.push(undefined);
    } else if (arg.kind === 'NAMED_TYPE') {
      args.push(typeNode(arg.value.typeSignature));
      fieldNames.push(arg.value.fieldName?.name ?? undefined);
    }
  }
  return { base: signature.rawType.toLowerCase(), args, fieldNames };
}
