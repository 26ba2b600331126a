/** The cloud-secrets commands, loaded together (one chunk; the stores and SDKs stay lazy). */
export { runDiffCommand } from './cloud-secrets/diff.js';
export { runGetCommand } from './cloud-secrets/get.js';
export { runListCommand } from './cloud-secrets/list.js';
export { runRemoveCommand } from './cloud-secrets/remove.js';
export { runSetCommand } from './cloud-secrets/set.js';
