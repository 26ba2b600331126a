/**
 * The commands that work on the project's files, loaded together: one chunk to import instead of
 * a handful of small ones keeps a no-op generate-secrets start-up short (see the bench).
 */
export { runGenerateCommand } from './generate-command.js';
export { runRotateCommand } from './rotate-command.js';
