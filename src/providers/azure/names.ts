import {
  assertSecretLimits,
  cloudSecretName,
  refFromLegacyName,
  SHARED_SCOPE,
  TAG_KIND,
  TAG_ORIGINAL_KEY,
  TAG_PROJECT,
  TAG_SCOPE,
} from '../../core/cloud-naming.js';
import { usageError } from '../../errors.js';
import type { ListedSecret, SecretRef } from '../secret-store.js';

/**
 * Which key owns which Azure name. Key Vault names ignore case and the key part maps `_` to `-`,
 * so `a_b` and `A_B` are one secret there; the `original-key` tag says whose it is. Names this
 * store has seen (listed, read or written) are remembered, so a collision with one of them is
 * refused before any request.
 */
export class AzureNames {
  /** lowercased Azure name → the key that owns it */
  private readonly owners = new Map<string, SecretRef>();

  constructor(private readonly project: string) {}

  remember(name: string, ref: SecretRef): void {
    this.owners.set(name.toLowerCase(), { key: ref.key, scope: ref.scope });
  }

  forget(name: string): void {
    this.owners.delete(name.toLowerCase());
  }

  /** The Azure name, after the name/value limits and known collisions: refused before any request. */
  nameOf(ref: SecretRef, value?: string): string {
    const name = cloudSecretName('azure', this.project, ref);
    assertSecretLimits('azure', ref, name, value);
    const owner = this.owners.get(name.toLowerCase());
    if (owner && (owner.key !== ref.key || owner.scope !== ref.scope)) {
      throw this.collision(ref, owner, name);
    }
    return name;
  }

  /**
   * The secret under this Azure name must be this key's: its `original-key` tag (when it has one;
   * the original tool's secrets do not) names the same key, scope and project.
   */
  claim(ref: SecretRef, name: string, tags: Record<string, string> | undefined): void {
    // The original tool's secrets carry no original-key: their key is what the name says, with
    // `-` read back as `_` and the case as stored; a key differing in case is another key.
    const legacy =
      tags !== undefined && tags[TAG_ORIGINAL_KEY] === undefined && tags[TAG_PROJECT] !== undefined
        ? refFromLegacyName('azure', this.project, tags[TAG_SCOPE] ?? SHARED_SCOPE, name)?.key
        : undefined;
    const key = tags?.[TAG_ORIGINAL_KEY] ?? legacy;
    if (key !== undefined) {
      const owner = { key, scope: tags?.[TAG_SCOPE] ?? SHARED_SCOPE };
      const project = tags?.[TAG_PROJECT] ?? this.project;
      if (owner.key !== ref.key || owner.scope !== ref.scope || project !== this.project) {
        if (project === this.project) this.remember(name, owner);
        throw this.collision(
          ref,
          project === this.project ? owner : { ...owner, key: `${key} of project ${project}` },
          name,
        );
      }
    }
    this.remember(name, ref);
  }

  private collision(ref: SecretRef, owner: SecretRef, name: string): Error {
    return usageError(
      'SECRET_NAME_COLLISION',
      `${ref.key} (${ref.scope}) and ${owner.key} (${owner.scope}) map to the same Azure name ${name} (Key Vault ignores case, and _ becomes -)`,
      'Rename one of the keys so that they differ in more than case or _ and -.',
    );
  }

  fromTags(
    name: string,
    tags: Record<string, string>,
  ): Omit<ListedSecret, 'updatedAt'> | undefined {
    const { project } = this;
    if (tags[TAG_PROJECT] !== project) return undefined;
    const scope = tags[TAG_SCOPE] ?? SHARED_SCOPE;
    const key = tags[TAG_ORIGINAL_KEY];
    const ref =
      key !== undefined ? { key, scope } : refFromLegacyName('azure', project, scope, name);
    if (!ref) return undefined;
    const kind = tags[TAG_KIND];
    return { ...ref, name, kind: kind === 'framework' || kind === 'user' ? kind : null };
  }
}
