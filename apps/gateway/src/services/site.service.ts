import { Injectable } from '@nestjs/common';
import { staffOnRoster } from '@hallwatch/domain';
import { InjectContext, ServiceContext } from '@hallwatch/runtime';
import type { Caller } from '../dtos/auth.types';
import { hallScope } from '../utils/hall-scope';
import type { SiteDto } from '../dtos/site.dto';

@Injectable()
export class SiteService {
  constructor(@InjectContext() private readonly ctx: ServiceContext) {}

  /** Halls, cameras and windows of the caller's halls, with who is on the roster now. */
  describe(user: Caller, now = Date.now()): SiteDto {
    const scope = hallScope(user);
    const mine = (hallId: string) => !scope || scope.includes(hallId);
    const site = this.ctx.site;
    return {
      timezone: site.timezone,
      halls: site.halls
        .filter((h) => mine(h.id))
        .map((h) => ({ id: h.id, name: h.name, kind: h.kind, minStaffedWindows: h.minStaffedWindows })),
      cameras: site.cameras
        .filter((c) => mine(c.hall))
        .map((c) => ({ id: c.id, hallId: c.hall, sampleEverySeconds: c.sampleEverySeconds })),
      windows: site.windows
        .filter((w) => mine(w.hall))
        .map((w) => ({
          id: w.id,
          hallId: w.hall,
          name: w.name,
          department: w.department,
          cameraId: w.camera,
          zone: w.zone,
          staffOnRoster: staffOnRoster(site.rosters, w.id, now, site.timezone),
          minStaff: w.minStaff,
          schedule: w.schedule,
        })),
    };
  }
}
