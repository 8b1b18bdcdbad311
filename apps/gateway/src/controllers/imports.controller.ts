import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Roles } from '../middleware/auth.decorators';
import type { AuthUser } from '../dtos/auth.types';
import { CsvImportDto, CsvImportResultDto } from '../dtos/imports.dto';
import { ImportsService } from '../services/imports.service';

/** CSV exports uploaded from the console (what `hallwatch import` reads), with the roles of the batch endpoints they feed. */
@ApiTags('imports')
@ApiBearerAuth()
@Controller('imports')
export class ImportsController {
  constructor(private readonly imports: ImportsService) {}

  /** A case export, stored as POST /api/cases stores rows; answers every record by its line. */
  @Post('cases')
  @HttpCode(200)
  @Roles('admin', 'hall_manager')
  @ApiOkResponse({ type: CsvImportResultDto })
  cases(@CurrentUser() user: AuthUser, @Body() body: CsvImportDto): Promise<CsvImportResultDto> {
    return this.imports.import(user, 'cases', body.file);
  }

  /** A leave export, stored as POST /api/leaves stores rows (a hall manager's wait for approval). */
  @Post('leaves')
  @HttpCode(200)
  @Roles('admin', 'supervisor', 'hall_manager')
  @ApiOkResponse({ type: CsvImportResultDto })
  leaves(@CurrentUser() user: AuthUser, @Body() body: CsvImportDto): Promise<CsvImportResultDto> {
    return this.imports.import(user, 'leaves', body.file);
  }

  /** A complaint export, stored as POST /api/complaints stores rows. */
  @Post('complaints')
  @HttpCode(200)
  @Roles('admin', 'supervisor', 'hall_manager')
  @ApiOkResponse({ type: CsvImportResultDto })
  complaints(@CurrentUser() user: AuthUser, @Body() body: CsvImportDto): Promise<CsvImportResultDto> {
    return this.imports.import(user, 'complaints', body.file);
  }
}
