import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ZONE_SCHEMA } from './zones.dto';

export class SiteHallDto {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: ['hall', 'township'] }) kind: 'hall' | 'township';
  @ApiProperty() minStaffedWindows: number;
}

export class SiteCameraDto {
  @ApiProperty() id: string;
  @ApiProperty() hallId: string;
  @ApiProperty() sampleEverySeconds: number;
}

export class SiteWindowDto {
  @ApiProperty() id: string;
  @ApiProperty() hallId: string;
  @ApiProperty() name: string;
  @ApiProperty() department: string;
  @ApiProperty() cameraId: string;
  @ApiProperty({
    description: 'polygon in fractions of the frame, [[x, y], …]',
    ...ZONE_SCHEMA,
  })
  zone: [number, number][];
  @ApiProperty({ description: 'staff on the roster now (empty when no roster names one)', type: [String] })
  staffOnRoster: string[];
  @ApiProperty({ description: 'staff the window needs to count as staffed, as in the site file', example: 1 })
  minStaff: number;
  @ApiPropertyOptional({ description: "the window's own schedule, when it has one (else its hall's)" })
  schedule?: string;
}

/** The part of the site file the caller may see: no camera addresses or credentials, no users. */
export class SiteDto {
  @ApiProperty({ example: 'Asia/Shanghai' }) timezone: string;
  @ApiProperty({ type: [SiteHallDto] }) halls: SiteHallDto[];
  @ApiProperty({ type: [SiteCameraDto] }) cameras: SiteCameraDto[];
  @ApiProperty({ type: [SiteWindowDto] }) windows: SiteWindowDto[];
}
