#!/usr/bin/env node
// The `cordon` CLI: runs the compiled build when present, else the TypeScript source via tsx.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const compiled = path.join(__dirname, '..', 'dist', 'src', 'cli', 'main.js');
if (!fs.existsSync(compiled)) require('tsx/cjs');
const { runCli } = require(fs.existsSync(compiled) ? compiled : path.join(__dirname, '..', 'src', 'cli', 'main.ts'));
runCli(process.argv.slice(2)).then((code) => process.exit(code));
