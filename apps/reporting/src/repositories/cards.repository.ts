import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Connection, Model } from 'mongoose';
import type { CardMessage } from '@hallwatch/contracts';
import type { CardColor } from '@hallwatch/domain';
import { type Doc, isDuplicateKey, modelOf } from './documents';
import { CardSchema, CaseInFlightSchema } from './reporting.schemas';

/** A card as stored: the message, and whether it is published yet. */
export interface StoredCard {
  card: CardMessage;
  published: boolean;
}

const TIMES = ['at', 'issuedAt', 'deadline'] as const;

function toCard(d: Record<string, unknown>): CardMessage {
  const card: Record<string, unknown> = {};
  for (const k of ['caseId', 'color', 'windowId', 'hallId', 'department', 'staffId', 'serviceItem', 'status', 'stage'])
    if (d[k] !== undefined && d[k] !== null) card[k] = d[k];
  for (const k of TIMES) card[k] = (d[k] as Date).toISOString();
  return card as unknown as CardMessage;
}

/** Cards (`cards`, insert-only) and the cases the periodic check watches (`cases_in_flight`). */
@Injectable()
export class CardsRepository {
  private readonly cards: Model<Doc>;
  private readonly inFlight: Model<Doc>;

  constructor(@InjectConnection() connection: Connection) {
    this.cards = modelOf(connection, 'Card', CardSchema);
    this.inFlight = modelOf(connection, 'CaseInFlight', CaseInFlightSchema);
  }

  /** A case's cards, by color (two reads by _id). */
  async cardsOf(caseId: string): Promise<Partial<Record<CardColor, StoredCard>>> {
    const out: Partial<Record<CardColor, StoredCard>> = {};
    for (const color of ['yellow', 'red'] as const) {
      const d = await this.cards.collection.findOne({ _id: `${caseId}|${color}` } as never);
      if (d) out[color] = { card: toCard(d), published: d.publishedAt instanceof Date };
    }
    return out;
  }

  /** Stores a card unless the case has one of its color (then that one stands): answers the card stored. */
  async issue(card: CardMessage): Promise<StoredCard> {
    const _id = `${card.caseId}|${card.color}`;
    const doc: Record<string, unknown> = { ...card };
    for (const k of TIMES) doc[k] = new Date(card[k]);
    try {
      await this.cards.collection.insertOne({ _id, ...doc } as never);
      return { card, published: false };
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      const stored = await this.cards.collection.findOne({ _id } as never);
      return { card: toCard(stored!), published: stored!.publishedAt instanceof Date };
    }
  }

  async markPublished(card: CardMessage): Promise<void> {
    await this.cards.collection.updateOne({ _id: `${card.caseId}|${card.color}` } as never, { $set: { publishedAt: new Date() } });
  }

  /** Cards whose `at` is within [from, to), of `halls` (undefined: every hall) and `color` (undefined: both), by `at`. */
  async cardsBetween(from: number, to: number, halls?: readonly string[], color?: CardColor): Promise<CardMessage[]> {
    const filter: Record<string, unknown> = { at: { $gte: new Date(from), $lt: new Date(to) } };
    if (halls) filter.hallId = { $in: halls };
    if (color) filter.color = color;
    const docs = await this.cards.find(filter).sort({ at: 1, _id: 1 }).lean();
    return docs.map(toCard);
  }

  /** The caseIds the periodic check watches. */
  async watched(): Promise<string[]> {
    const docs = await this.inFlight.find({}, { _id: 1 }).lean();
    return docs.map((d) => d._id);
  }

  async watch(caseId: string): Promise<void> {
    try {
      await this.inFlight.collection.insertOne({ _id: caseId } as never);
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
  }

  async unwatch(caseId: string): Promise<void> {
    await this.inFlight.collection.deleteOne({ _id: caseId } as never);
  }
}
