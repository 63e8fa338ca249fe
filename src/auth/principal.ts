/** How a caller proved who they are. */
export type AuthMethod = 'basic' | 'idtoken' | 'bearer';

/** The authenticated caller: `user` is the Trino user after the optional mapping. */
export interface Principal {
  user: string;
  authMethod: AuthMethod;
}
