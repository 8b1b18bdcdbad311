import * as fs from 'node:fs';
import * as path from 'node:path';
import { INCIDENT_EVENT_TYPES } from './incident-events';
import { RECTIFICATION_ACTIONS } from './rectifications';
import { Subjects } from './subjects';

/** ARCHITECTURE.md names subjects and collections; this keeps it true as the code moves. */
const ROOT = path.resolve(__dirname, '..', '..', '..');
const doc = fs.readFileSync(path.join(ROOT, 'ARCHITECTURE.md'), 'utf8');

/** The rows of the markdown table under `heading`, as cells. */
function table(heading: string): string[][] {
  const section = doc.split(/^## /m).find((s) => s.startsWith(heading));
  if (!section) throw new Error(`ARCHITECTURE.md has no section "${heading}"`);
  return section
    .split('\n')
    .filter((line) => line.startsWith('|') && !/^\|\s*-/.test(line))
    .slice(1)
    .map((line) =>
      line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );
}
const names = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]);

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' || e.name === 'web' ? [] : sourceFiles(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') ? [p] : [];
  });
}
const appFiles = sourceFiles(path.join(ROOT, 'apps'));
const source = appFiles
  .concat(sourceFiles(path.join(ROOT, 'libs')))
  .map((f) => fs.readFileSync(f, 'utf8'))
  .join('\n');

/** Every subject the code can build, with `<...>` for its id parameter; an incident's and an order's, one per event. */
const codeSubjects = Object.values(Subjects)
  .flatMap((s) =>
    s === Subjects.incident
      ? INCIDENT_EVENT_TYPES.map((event) => Subjects.incident('<id>', event))
      : s === Subjects.rectification
        ? RECTIFICATION_ACTIONS.map((action) => Subjects.rectification('<id>', action))
        : [typeof s === 'function' ? (s as (p: string) => string)('<id>') : s],
  )
  .filter((s) => !s.includes('*'))
  .map((s) => s.replace('<id>', '<>'));
const placeholder = (s: string) => s.replace(/<[^>]+>/g, '<>');

describe('ARCHITECTURE.md', () => {
  it('names only subjects the code uses, and every one of them', () => {
    const documented = table('Subjects').map((row) => placeholder(names(row[0])[0]));
    expect(documented.filter((s) => !codeSubjects.includes(s))).toEqual([]);
    expect(codeSubjects.filter((s) => !documented.includes(s))).toEqual([]);
  });

  it('names only collections and buckets that exist, and every collection the code declares', () => {
    const documented = table('Who owns what').flatMap((row) => names(row[0]));
    expect(documented.filter((name) => !source.includes(`'${name}'`))).toEqual([]);
    const declared = [...source.matchAll(/collection: '([a-z_]+)'/g)].map((m) => m[1]);
    expect(declared.filter((name) => !documented.includes(name))).toEqual([]);
  });

  it('names only classes that exist as users of the NATS adapter, and no app opens a connection of its own', () => {
    const documented = table('NATS adapters').flatMap((row) => names(row[0]));
    expect(documented.length).toBeGreaterThan(0);
    expect(documented.filter((name) => !source.includes(`class ${name} `))).toEqual([]);
    // nats.js's connect and NatsLink.open belong to libs/runtime (NatsAdapter); an app that calls them opens a second connection.
    const opening = appFiles.filter((f) => /\bconnect\s*\(\s*(\{|natsConnectionOptions)|NatsLink\.open\(/.test(fs.readFileSync(f, 'utf8')));
    expect(opening.map((f) => path.relative(ROOT, f))).toEqual([]);
  });
});
