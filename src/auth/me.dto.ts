import { ApiProperty } from '@nestjs/swagger';

/** The authenticated caller. */
export class MeDto {
  /** The Trino user queries run as. @example "alice" */
  user!: string;
  /** The credential that authenticated this request. */
  @ApiProperty({ enum: ['basic', 'idtoken', 'bearer'], enumName: 'AuthMethod' })
  authMethod!: 'basic' | 'idtoken' | 'bearer';
}
