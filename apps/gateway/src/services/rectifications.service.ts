import { Inject, Injectable } from '@nestjs/common';
import { ClientProxy } from '@nestjs/microservices';
import {
  RectificationIssueRequest,
  RectificationPhotoImage,
  RectificationPhotoRef,
  RectificationQuery,
  RectificationRecord,
  RectificationRef,
  RectificationRespondRequest,
  RectificationVerifyRequest,
  ReportingRequests,
} from '@hallwatch/contracts';
import type { AuthUser } from '../dtos/auth.types';
import { hallScope } from '../utils/hall-scope';
import { NATS_CLIENT } from '../modules/nats-client.module';
import { writerOf } from '../utils/row-batch';
import { requestService } from '../repositories/service-request';
import {
  IssueRectificationDto,
  RectificationListQueryDto,
  RespondRectificationDto,
  VerifyRectificationDto,
} from '../dtos/rectifications.dto';

/** Rectification orders, as the signed-in user: reporting applies the rules (who may issue, respond, verify) and keeps the history. */
@Injectable()
export class RectificationsService {
  constructor(@Inject(NATS_CLIENT) private readonly nats: ClientProxy) {}

  issue(user: AuthUser, body: IssueRectificationDto): Promise<RectificationRecord> {
    const request: RectificationIssueRequest = { ...body, source: { ...body.source }, to: { ...body.to }, by: writerOf(user) };
    return requestService<RectificationRecord>(this.nats, ReportingRequests.issueRectification, request);
  }

  respond(user: AuthUser, id: string, body: RespondRectificationDto): Promise<RectificationRecord> {
    const request: RectificationRespondRequest = {
      id,
      text: body.text,
      ...(body.callBack && { callBack: { ...body.callBack } }),
      ...(body.photo !== undefined && { photo: body.photo }),
      by: writerOf(user),
      halls: hallScope(user),
    };
    return requestService<RectificationRecord>(this.nats, ReportingRequests.respondRectification, request);
  }

  verify(user: AuthUser, id: string, body: VerifyRectificationDto): Promise<RectificationRecord> {
    const request: RectificationVerifyRequest = { id, accepted: body.accepted, reason: body.reason, by: writerOf(user) };
    return requestService<RectificationRecord>(this.nats, ReportingRequests.verifyRectification, request);
  }

  list(user: AuthUser, query: RectificationListQueryDto): Promise<RectificationRecord[]> {
    const request: RectificationQuery = { state: query.state, source: query.source, halls: hallScope(user) };
    return requestService<RectificationRecord[]>(this.nats, ReportingRequests.listRectifications, request);
  }

  /** Photo n of an order of the caller's halls; reporting records the view. */
  async photo(user: AuthUser, id: string, n: number): Promise<{ contentType: string; bytes: Buffer }> {
    const ref: RectificationPhotoRef = { id, n, by: user.username, halls: hallScope(user) };
    const image = await requestService<RectificationPhotoImage>(this.nats, ReportingRequests.rectificationPhoto, ref);
    return { contentType: image.contentType, bytes: Buffer.from(image.data, 'base64') };
  }

  get(user: AuthUser, id: string): Promise<RectificationRecord> {
    const ref: RectificationRef = { id, halls: hallScope(user) };
    return requestService<RectificationRecord>(this.nats, ReportingRequests.getRectification, ref);
  }
}
