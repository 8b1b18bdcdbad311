import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser } from '../middleware/auth.decorators';
import type { AuthUser } from '../dtos/auth.types';
import { CardDto, CardListQueryDto } from '../dtos/cards.dto';
import { CardsService } from '../services/cards.service';

@ApiTags('cards')
@ApiBearerAuth()
@Controller('cards')
export class CardsController {
  constructor(private readonly cards: CardsService) {}

  /** Yellow and red cards (红黄牌) of cases in flight, by when the case crossed its threshold; own halls. */
  @Get()
  @ApiOkResponse({ type: [CardDto] })
  list(@CurrentUser() user: AuthUser, @Query() query: CardListQueryDto): Promise<CardDto[]> {
    return this.cards.list(user, query);
  }
}
