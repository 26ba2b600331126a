// Writes a large tsdevstack project for benchmarks (npm run bench, case (c)): a fullstack-auth
// project with `services` services — about 90% nestjs backends (auth-service first; every third
// backend has a database) and about 10% frontends alternating nextjs / spa — with unique ports and
// an apps/<name>/ folder per service. Only the config and the app folders are written: no secrets
// file, so the first generate-secrets run on it is a cold run.
//
//   node scripts/make-big-project.mjs DIR [--services N]
//   import { makeBigProject } from './make-big-project.mjs'; makeBigProject(dir, { services: 100 });
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const FRONTEND_PORT_BASE = 3000;
const BACKEND_PORT_BASE = 4000;

/**
 * Builds the config object for a project of `services` services (at least 2: auth-service and
 * one frontend). Names avoid every reserved derived key (no `api`, `app`, `shared`, ...).
 */
export function bigProjectConfig({ services = 100 } = {}) {
  if (!Number.isInteger(services) || services < 2 || services > 5000) {
    throw new RangeError(`services must be an integer from 2 to 5000, got ${String(services)}`);
  }
  const frontends = Math.max(1, Math.round(services / 10));
  const backends = services - frontends;
  const list = [];
  for (let i = 0; i < backends; i += 1) {
    const name = i === 0 ? 'auth-service' : `domain-${String(i).padStart(3, '0')}-service`;
    const service = { name, type: 'nestjs', port: BACKEND_PORT_BASE + i };
    // A third of the backends (auth-service included) have a database; ports are assigned by the CLI.
    if (i % 3 === 0) service.hasDatabase = true;
    list.push(service);
  }
  for (let i = 0; i < frontends; i += 1) {
    const type = i % 2 === 0 ? 'nextjs' : 'spa';
    list.push({
      name: `web-${String(i + 1).padStart(3, '0')}-${type}`,
      type,
      port: FRONTEND_PORT_BASE + i,
    });
  }
  return {
    $schema: './config.schema.json',
    project: { name: 'bench-big-project' },
    framework: { template: 'fullstack-auth', version: '0.2.0' },
    cloud: { provider: 'local' },
    services: list,
    storage: { buckets: ['uploads'] },
  };
}

/** Writes `.tsdevstack/config.json` and `apps/<name>/.gitkeep` under `dir`; returns the config. */
export function makeBigProject(dir, { services = 100 } = {}) {
  const config = bigProjectConfig({ services });
  mkdirSync(join(dir, '.tsdevstack'), { recursive: true });
  writeFileSync(join(dir, '.tsdevstack', 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
  for (const service of config.services) {
    mkdirSync(join(dir, 'apps', service.name), { recursive: true });
    writeFileSync(join(dir, 'apps', service.name, '.gitkeep'), '');
  }
  return config;
}

function main(argv) {
  const args = argv.slice(2);
  let dir;
  let services = 100;
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i];
    if (arg === '--services') {
      services = Number(args[(i += 1)]);
    } else if (arg.startsWith('--services=')) {
      services = Number(arg.slice('--services='.length));
    } else if (arg === '-h' || arg === '--help') {
      process.stdout.write('usage: node scripts/make-big-project.mjs DIR [--services N]\n');
      return 0;
    } else if (dir === undefined && !arg.startsWith('-')) {
      dir = arg;
    } else {
      process.stderr.write(`make-big-project: unexpected argument ${JSON.stringify(arg)}\n`);
      return 2;
    }
  }
  if (dir === undefined) {
    process.stderr.write('usage: node scripts/make-big-project.mjs DIR [--services N]\n');
    return 2;
  }
  const config = makeBigProject(resolve(dir), { services });
  const count = (predicate) => config.services.filter(predicate).length;
  const backends = count((s) => s.type === 'nestjs');
  process.stdout.write(
    `wrote ${resolve(dir)}: ${String(config.services.length)} services ` +
      `(${String(backends)} nestjs backends, ${String(count((s) => s.hasDatabase === true))} with a database, ` +
      `${String(count((s) => s.type === 'nextjs'))} nextjs, ${String(count((s) => s.type === 'spa'))} spa)\n`,
  );
  return 0;
}

if (
  process.argv[1] !== undefined &&
  import.meta.url === pathToFileURL(resolve(process.argv[1])).href
) {
  try {
    process.exitCode = main(process.argv);
  } catch (error) {
    process.stderr.write(
      `make-big-project: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exitCode = 2;
  }
}
