import { ApiProperty } from '@nestjs/swagger';
import { CLAUSE_KINDS, LINES_OF_BUSINESS, type ClauseKind, type LineOfBusiness } from './policy.entity';

export class ClauseView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() code!: string;
  @ApiProperty({ enum: CLAUSE_KINDS, enumName: 'ClauseKind' }) kind!: ClauseKind;
  @ApiProperty() text!: string;
  @ApiProperty() perilKey!: string;
  @ApiProperty({ type: [String] }) prompts!: string[];
  @ApiProperty() promptVersion!: number;
}

export class PolicyView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() number!: string;
  @ApiProperty({ enum: LINES_OF_BUSINESS, enumName: 'LineOfBusiness' }) lineOfBusiness!: LineOfBusiness;
  @ApiProperty() insuredObject!: string;
  @ApiProperty() jurisdiction!: string;
  @ApiProperty({ format: 'date' }) effectiveFrom!: string;
  @ApiProperty({ format: 'date' }) effectiveTo!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: () => [ClauseView] }) clauses!: ClauseView[];
}
