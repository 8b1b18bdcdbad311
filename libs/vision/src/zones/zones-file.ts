import { promises as fs } from 'node:fs';
import { z } from 'zod';
import { ZoneDefinition } from '../zone-analyzer';
import { isValidPolygon } from '../geometry/zone-geometry';

const zonesFileSchema = z.object({
  zones: z
    .array(
      z.object({
        id: z.string().min(1),
        polygon: z.array(z.tuple([z.number(), z.number()])).min(3),
      }),
    )
    .min(1),
});

/** Parses `{"zones":[{"id","polygon":[[x,y],...]}]}`; extra fields (e.g. "expected") are ignored. */
export function parseZones(json: unknown): ZoneDefinition[] {
  const parsed = zonesFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`bad zones file: ${issue.path.join('.') || 'root'}: ${issue.message}`);
  }
  const ids = new Set<string>();
  for (const zone of parsed.data.zones) {
    if (!isValidPolygon(zone.polygon))
      throw new Error(`bad zones file: zone ${zone.id}: polygon must lie inside 0..1 with a non-zero area`);
    if (ids.has(zone.id)) throw new Error(`bad zones file: zone ${zone.id} is defined twice`);
    ids.add(zone.id);
  }
  return parsed.data.zones;
}

export async function readZonesFile(file: string): Promise<ZoneDefinition[]> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch {
    throw new Error(`cannot read zones file ${file}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`bad zones file: ${file} is not JSON`);
  }
  return parseZones(json);
}
