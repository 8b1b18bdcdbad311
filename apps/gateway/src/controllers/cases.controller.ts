import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Roles } from '../middleware/auth.decorators';
import type { AuthUser } from '../dtos/auth.types';
import { CaseBatchDto } from '../dtos/cases.dto';
import { CasesService } from '../services/cases.service';

@ApiTags('cases')
@ApiBearerAuth()
@Controller('cases')
export class CasesController {
  constructor(private readonly cases: CasesService) {}

  /** A batch of cases from a queue or approval system; answers per row (accepted, or rejected with the reason). */
  @Post()
  @HttpCode(200)
  @Roles('admin', 'hall_manager')
  import(@CurrentUser() user: AuthUser, @Body() body: CaseBatchDto) {
    return this.cases.import(user, body.cases);
  }
}
