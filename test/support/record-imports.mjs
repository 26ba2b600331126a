/* global process */
// Loaded with `node --import`: records every module specifier the process resolves, ESM
// (through a resolve hook) and CommonJS (through Module._resolveFilename), one per line, to the
// file named by TSDS_IMPORT_LOG. A specifier is recorded before resolution, so an import that
// fails to resolve (an optional SDK that is not installed) is recorded too.
import { appendFileSync } from 'node:fs';
import Module, { register } from 'node:module';

const log = process.env.TSDS_IMPORT_LOG;
if (log === undefined || log === '') throw new Error('record-imports.mjs needs TSDS_IMPORT_LOG');

register('./record-imports-hooks.mjs', import.meta.url, { data: { log } });

const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  appendFileSync(log, `require ${request}\n`);
  return resolveFilename.call(this, request, ...rest);
};
