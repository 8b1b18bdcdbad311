#!/usr/bin/env node
// The `hallwatch` command. `npm ci` builds dist/ through the `prepare` script.
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const entry = path.join(__dirname, '..', 'dist', 'apps', 'cli', 'src', 'main.js');
if (!fs.existsSync(entry)) {
  console.error('hallwatch: not built yet (missing dist/). Run `npm ci` or `npm run build` in ' + path.dirname(__dirname));
  process.exit(1);
}
require(entry);
