import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import { CAMERA_STATUSES, type CameraStatus, ID_PATTERN } from '@hallwatch/contracts';

export class CameraParamsDto {
  @ApiProperty()
  @Matches(ID_PATTERN, { message: 'id must be a camera id' })
  id: string;
}

/** A camera's latest reported health (GET /api/cameras/status, and the push channel's `camera` event). */
export class CameraStateDto {
  @ApiProperty() cameraId: string;
  @ApiProperty() hallId: string;
  @ApiProperty({ enum: CAMERA_STATUSES, description: 'offline: no frame comes; frozen: frames come but the picture does not change' })
  status: CameraStatus;
  @ApiProperty({ description: 'when ingestion reported it (ISO 8601)' }) at: string;
}
