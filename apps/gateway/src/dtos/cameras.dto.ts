import { ApiProperty } from '@nestjs/swagger';
import { CAMERA_STATUSES, type CameraStatus, IsId } from '@hallwatch/contracts';

export class CameraParamsDto {
  @ApiProperty()
  @IsId()
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
