import type { OpenAPIObject } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { DEFAULT_EVALUATION_WEIGHTS } from '@hallwatch/domain';
import { attendanceRows, emptyEvaluationCounts, emptyFigures, evaluationRows, throughputRows, type ReportRow } from '@hallwatch/stats';
import { previewOpenApiDocument } from './openapi-document';

describe("the gateway's OpenAPI document, the console's types (issue 25, item 4)", () => {
  let doc: OpenAPIObject;
  const schema = (name: string) => doc.components!.schemas![name] as SchemaObject;

  // No NATS, no database, no settings: the modules are only read.
  beforeAll(async () => (doc = await previewOpenApiDocument()));

  it('is built without a running gateway and lists the routes under /api', () => {
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/site', '/api/windows/live', '/api/incidents', '/api/incidents/{id}', '/api/stats/attendance']),
    );
    expect(Object.keys(doc.paths).every((p) => p.startsWith('/api/'))).toBe(true);
  });

  it("describes an incident's audit trail entry by entry", () => {
    expect(schema('IncidentDto').properties!.audit).toEqual({
      description: expect.any(String),
      type: 'array',
      items: { $ref: '#/components/schemas/AuditEntryDto' },
    });
    expect(schema('AuditEntryDto').required).toEqual(['by', 'at', 'action']);
  });

  const empty = () => new Map([['W01', emptyFigures()]]);
  const reports: [string, string, ReportRow[]][] = [
    ['attendance', 'AttendanceRowDto', attendanceRows(empty(), new Map(), 'window')],
    ['throughput', 'ThroughputRowDto', throughputRows(empty(), new Map(), 'window')],
    [
      'evaluation',
      'EvaluationRowDto',
      evaluationRows(
        [{ key: 'W01', place: { department: null, hall: 'H1' }, figures: emptyFigures(), counts: emptyEvaluationCounts() }],
        'window',
        DEFAULT_EVALUATION_WEIGHTS,
      ),
    ],
  ];

  it.each(reports)(
    'describes the rows of /api/stats/%s as reporting computes them, as JSON, and the downloads as files',
    (report, name, rows) => {
      const content = (doc.paths[`/api/stats/${report}`].get!.responses['200'] as { content: Record<string, { schema: SchemaObject }> })
        .content;
      expect(content['application/json'].schema).toEqual({ type: 'array', items: { $ref: `#/components/schemas/${name}` } });
      expect(content['text/csv; charset=utf-8'].schema).toEqual({ type: 'string' });
      const row = schema(name);
      // Every figure, with the grouping's key: nothing more, nothing less, each of its type or null.
      expect(Object.keys(rows[0]).sort()).toEqual([...row.required!, 'window'].sort());
      for (const [key, value] of Object.entries(rows[0])) {
        const property = row.properties![key] as SchemaObject;
        if (value === null) expect(property.nullable).toBe(true);
        else expect(typeof value).toBe(property.type);
      }
    },
  );
});
