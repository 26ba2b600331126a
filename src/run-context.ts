import type { OutputStreams } from './io/output.js';

/** What every command gets from cli.ts: the process's streams, environment and flags. */
export interface RunContext {
  streams: OutputStreams;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** set by the action before it runs, so an error is printed as JSON too */
  json: boolean;
  exitCode: number;
}
