// The module hooks half of record-imports.mjs (they run on the loader thread).
import { appendFileSync } from 'node:fs';

let log = '';

export function initialize(data) {
  log = data.log;
}

export async function resolve(specifier, context, nextResolve) {
  appendFileSync(log, `import ${specifier}\n`);
  const resolved = await nextResolve(specifier, context);
  appendFileSync(log, `resolved ${resolved.url}\n`);
  return resolved;
}
