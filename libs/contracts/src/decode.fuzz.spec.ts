import fc from 'fast-check';
import { fuzzRuns, fuzzTimeout, NASTY_STRINGS, prototypePollution } from '../../../test/support/fuzz';
import {
  CameraStatusMessage,
  CaseMessage,
  decodeMessage,
  IncidentMessage,
  IncidentQuery,
  IncidentRef,
  IncidentReviewRequest,
  LiveHallsRequest,
  LiveWindowsRequest,
  PresenceMessage,
  StatsQuery,
  WaitingCountMessage,
  WaitingQuery,
} from './index';

/** Every contract a NATS message or request is decoded into. */
const CONTRACTS: (new () => object)[] = [
  CameraStatusMessage,
  PresenceMessage,
  IncidentMessage,
  CaseMessage,
  IncidentQuery,
  IncidentRef,
  IncidentReviewRequest,
  LiveWindowsRequest,
  LiveHallsRequest,
  StatsQuery,
  WaitingCountMessage,
  WaitingQuery,
];
const FIELDS = [
  'cameraId',
  'windowId',
  'hallId',
  'caseId',
  'staffId',
  'id',
  'kind',
  'status',
  'at',
  'since',
  'openedAt',
  'takenAt',
  'halls',
  'reason',
  'n',
  'from',
  'to',
  '__proto__',
  'constructor',
];

const nasty = fc.oneof(fc.constantFrom(...NASTY_STRINGS), fc.string(), fc.string({ unit: 'binary' }));
const value = fc.oneof(
  nasty,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(nasty, { maxLength: 4 }),
  fc.object({ maxDepth: 2 }),
);
/** Objects shaped like the contracts (their field names, hostile values), as JSON text. */
const messageLike = fc.dictionary(fc.oneof(fc.constantFrom(...FIELDS), fc.string()), value).map((o) => JSON.stringify(o));
/** Any JSON, any text, any bytes; and JSON with a literal "__proto__" key. */
const anyPayload = fc.oneof(
  messageLike,
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.string(),
  fc.uint8Array({ maxLength: 300 }),
  value.map((v) => `{"__proto__": ${JSON.stringify(v) ?? 'null'}, "constructor": {"prototype": {"polluted": 1}}}`),
);

describe('fuzz: NATS messages (contracts decode), issue 11', () => {
  it(
    'never throws, always says ok or why not, and never touches a prototype',
    () => {
      let tried = 0;
      fc.assert(
        fc.property(fc.constantFrom(...CONTRACTS), anyPayload, (type, payload) => {
          tried++;
          const decoded = decodeMessage(type, payload);
          if (decoded.ok) expect(decoded.value).toBeInstanceOf(type);
          else expect(typeof decoded.reason).toBe('string');
          expect(prototypePollution()).toEqual([]);
        }),
        { numRuns: fuzzRuns(3000) },
      );
      expect(tried).toBeGreaterThanOrEqual(fuzzRuns(3000));
      process.stderr.write(`fuzz NATS messages: ${tried} inputs tried\n`);
    },
    fuzzTimeout(2000),
  );
});
