import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, Validate, ValidatorConstraint, ValidatorConstraintInterface } from 'class-validator';
import { IsId } from '@hallwatch/contracts';

@ValidatorConstraint({ name: 'zonePoints' })
class ZonePoints implements ValidatorConstraintInterface {
  validate(points: unknown): boolean {
    return (
      Array.isArray(points) &&
      points.every((p) => Array.isArray(p) && p.length === 2 && p.every((v) => typeof v === 'number' && v >= 0 && v <= 1))
    );
  }

  defaultMessage(): string {
    return 'zone must be a list of [x, y] points, each between 0 and 1';
  }
}

/** A zone in the OpenAPI document: a polygon of [x, y] points. */
export const ZONE_SCHEMA = {
  type: 'array',
  items: { type: 'array', items: { type: 'number', minimum: 0, maximum: 1 }, minItems: 2, maxItems: 2 },
} as const;

export class ZoneOccupancyRequestDto {
  @ApiProperty({ example: 'cam-1' })
  @IsId()
  cameraId: string;

  @ApiProperty({
    description: 'polygon in fractions of the frame, as in the site file',
    ...ZONE_SCHEMA,
    example: [
      [0.1, 0.4],
      [0.3, 0.4],
      [0.3, 0.9],
      [0.1, 0.9],
    ],
  })
  @IsArray()
  @ArrayMinSize(3, { message: 'zone needs at least 3 points' })
  @ArrayMaxSize(100, { message: 'zone may have at most 100 points' })
  @Validate(ZonePoints)
  zone: [number, number][];
}

export class ZoneOccupancyDto {
  @ApiProperty() occupied: boolean;
  @ApiProperty({ description: '0.5..1; 0 when the frame cannot be judged' }) confidence: number;
  @ApiProperty() persons: number;
  @ApiProperty({ description: 'false when the frame is too dark or flat to judge' }) judgeable: boolean;
  @ApiProperty({ description: 'capture time of the frame judged (ISO 8601)' }) capturedAt: string;
}
