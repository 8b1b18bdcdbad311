// The console's API types, apps/web/src/generated/api.d.ts, from the gateway's OpenAPI document:
// the gateway's sources are compiled apart (apps/gateway/tsconfig.openapi.json), the document is
// read from its modules without starting it (apps/gateway/src/openapi-document.ts: no NATS, no
// database), and openapi-typescript writes the types.
//
//   node scripts/api-client.mjs          writes the file (npm run generate:api, part of the build)
//   node scripts/api-client.mjs --check  fails when the committed file is not what it would write (npm run lint)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const TYPES = 'apps/web/src/generated/api.d.ts';
const TSCONFIG = 'apps/gateway/tsconfig.openapi.json';
// The project's tsc, tsc-alias and openapi-typescript.
const env = { ...process.env, PATH: `${join(root, 'node_modules/.bin')}${delimiter}${process.env.PATH}` };

function generate() {
  const out = mkdtempSync(join(tmpdir(), 'hallwatch-api-'));
  try {
    /** What `bin` printed; when it fails, its output and the end. */
    const run = (bin, args, options = {}) => {
      try {
        return execFileSync(bin, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'inherit'], ...options });
      } catch (err) {
        process.stderr.write(err.stdout ?? '');
        throw new Error(`${bin} failed (${err.status ?? err.code})`, { cause: err });
      }
    };
    run('tsc', ['-p', TSCONFIG, '--outDir', out]);
    run('tsc-alias', ['-p', TSCONFIG, '--outDir', out]);
    // Compiled outside the checkout: its imports resolve through NODE_PATH.
    const doc = run(process.execPath, [join(out, 'apps/gateway/src/openapi-document.js')], {
      env: { ...env, NODE_PATH: join(root, 'node_modules') },
    });
    writeFileSync(join(out, 'openapi.json'), doc);
    // --array-length: a zone's [x, y] points are pairs.
    run('openapi-typescript', [join(out, 'openapi.json'), '--array-length', '--output', join(out, 'api.d.ts')]);
    return readFileSync(join(out, 'api.d.ts'), 'utf8');
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

let types;
try {
  types = generate();
} catch (err) {
  console.error(err.message);
  process.exit(1);
}
const file = join(root, TYPES);
if (process.argv.includes('--check')) {
  let committed = '';
  try {
    committed = readFileSync(file, 'utf8');
  } catch {
    // missing: out of date as well
  }
  if (committed !== types) {
    console.error(`${TYPES} is not what the gateway's OpenAPI document gives: run npm run generate:api and commit it.`);
    process.exit(1);
  }
} else {
  writeFileSync(file, types);
}
