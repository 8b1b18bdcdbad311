import { Controller, UsePipes, ValidationPipe } from '@nestjs/common';
import { MessagePattern, Payload, RpcException } from '@nestjs/microservices';
import {
  ActiveAwayRequest,
  AwayDeclarationMessage,
  AwayRequest,
  BatchResult,
  CardMessage,
  CardQuery,
  CaseImportResult,
  ComplaintRecord,
  LeaveDecisionRequest,
  LeaveRecordMessage,
  NoticeQuery,
  RecordRef,
  RectificationIssueRequest,
  RectificationPhotoImage,
  RectificationPhotoRef,
  RectificationQuery,
  RectificationRecord,
  RectificationRef,
  RectificationRespondRequest,
  RectificationVerifyRequest,
  ReportingRequests,
  StatsQuery,
  StatsTable,
  WaitingQuery,
  WaitingSeries,
} from '@hallwatch/contracts';
import { AwayService } from '../services/away.service';
import { CardsService } from '../services/cards.service';
import { CasesService } from '../services/cases.service';
import { ComplaintsService } from '../services/complaints.service';
import { LeavesService } from '../services/leaves.service';
import { RectificationsService } from '../services/rectifications.service';
import { NoticeService } from '../services/notice.service';
import { StatsService } from '../services/stats.service';
import { WaitingService } from '../services/waiting.service';
import type { MonthlyNotice } from '@hallwatch/stats';
import { CaseBatchDto, ComplaintBatchDto, LeaveBatchDto } from '../dtos/batches.dto';

/** Request/reply from the gateway and the CLI. */
@Controller()
@UsePipes(
  new ValidationPipe({
    whitelist: true,
    transform: true,
    exceptionFactory: (errors) => new RpcException(errors.map((e) => Object.values(e.constraints ?? {}).join('; ')).join('; ')),
  }),
)
export class RequestsHandler {
  constructor(
    private readonly cases: CasesService,
    private readonly leaves: LeavesService,
    private readonly complaints: ComplaintsService,
    private readonly stats: StatsService,
    private readonly cards: CardsService,
    private readonly rectifications: RectificationsService,
    private readonly notices: NoticeService,
    private readonly waiting: WaitingService,
    private readonly away: AwayService,
  ) {}

  @MessagePattern(ReportingRequests.declareAway)
  declareAway(@Payload() request: AwayRequest): Promise<AwayDeclarationMessage> {
    return this.away.declare(request);
  }

  @MessagePattern(ReportingRequests.activeAway)
  activeAway(@Payload() request: ActiveAwayRequest): Promise<AwayDeclarationMessage[]> {
    return this.away.active(request);
  }

  @MessagePattern(ReportingRequests.issueRectification)
  issueRectification(@Payload() request: RectificationIssueRequest): Promise<RectificationRecord> {
    return this.rectifications.issue(request);
  }

  @MessagePattern(ReportingRequests.respondRectification)
  respondRectification(@Payload() request: RectificationRespondRequest): Promise<RectificationRecord> {
    return this.rectifications.respond(request);
  }

  @MessagePattern(ReportingRequests.verifyRectification)
  verifyRectification(@Payload() request: RectificationVerifyRequest): Promise<RectificationRecord> {
    return this.rectifications.verify(request);
  }

  @MessagePattern(ReportingRequests.listRectifications)
  listRectifications(@Payload() q: RectificationQuery): Promise<RectificationRecord[]> {
    return this.rectifications.list(q);
  }

  @MessagePattern(ReportingRequests.getRectification)
  getRectification(@Payload() ref: RectificationRef): Promise<RectificationRecord> {
    return this.rectifications.get(ref);
  }

  @MessagePattern(ReportingRequests.rectificationPhoto)
  rectificationPhoto(@Payload() ref: RectificationPhotoRef): Promise<RectificationPhotoImage> {
    return this.rectifications.photo(ref);
  }

  @MessagePattern(ReportingRequests.cards)
  listCards(@Payload() q: CardQuery): Promise<CardMessage[]> {
    return this.cards.list(q);
  }

  @MessagePattern(ReportingRequests.importCases)
  importCases(@Payload() batch: CaseBatchDto): Promise<CaseImportResult> {
    return this.cases.importBatch(batch.cases, 0, batch.halls, batch.by);
  }

  @MessagePattern(ReportingRequests.importLeaves)
  importLeaves(@Payload() batch: LeaveBatchDto): Promise<BatchResult> {
    return this.leaves.importBatch(batch.leaves, 0, batch.halls, batch.by);
  }

  @MessagePattern(ReportingRequests.getLeave)
  getLeave(@Payload() ref: RecordRef): Promise<LeaveRecordMessage> {
    return this.leaves.get(ref);
  }

  @MessagePattern(ReportingRequests.decideLeave)
  decideLeave(@Payload() request: LeaveDecisionRequest): Promise<LeaveRecordMessage> {
    return this.leaves.decide(request);
  }

  @MessagePattern(ReportingRequests.importComplaints)
  importComplaints(@Payload() batch: ComplaintBatchDto): Promise<BatchResult> {
    return this.complaints.importBatch(batch.complaints, 0, batch.halls, batch.by);
  }

  @MessagePattern(ReportingRequests.getComplaint)
  getComplaint(@Payload() ref: RecordRef): Promise<ComplaintRecord> {
    return this.complaints.get(ref);
  }

  @MessagePattern(ReportingRequests.attendance)
  attendance(@Payload() q: StatsQuery): Promise<StatsTable> {
    return this.stats.attendance(q);
  }

  @MessagePattern(ReportingRequests.throughput)
  throughput(@Payload() q: StatsQuery): Promise<StatsTable> {
    return this.stats.throughput(q);
  }

  @MessagePattern(ReportingRequests.evaluation)
  evaluation(@Payload() q: StatsQuery): Promise<StatsTable> {
    return this.stats.evaluation(q);
  }

  @MessagePattern(ReportingRequests.waiting)
  waitingSeries(@Payload() q: WaitingQuery): Promise<WaitingSeries> {
    return this.waiting.series(q);
  }

  @MessagePattern(ReportingRequests.notice)
  notice(@Payload() q: NoticeQuery): Promise<MonthlyNotice> {
    return this.notices.notice(q);
  }
}
