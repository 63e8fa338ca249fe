/** The authenticated caller. */
export class MeDto {
  /** The Trino user queries run as. @example "alice" */
  user!: string;
  /** The credential that authenticated this request. */
  authMethod!: 'basic' | 'idtoken' | 'bearer';
}
