/**
 * The one interface every cloud secrets backend implements (SPEC §9.1). Stores speak in project
 * keys and scopes; each adapter maps them to its provider's names (src/core/cloud-naming.ts),
 * stores the metadata of SPEC §9.2 on every secret, and turns SDK errors into CliErrors with the
 * provider's text scrubbed of values.
 */
export type ProviderName = 'gcp' | 'aws' | 'azure' | 'local';
export type SecretKind = 'framework' | 'user';

/** `shared` (nearly everything) or a service name (service-specific values such as DATABASE_URL). */
export type SecretScope = string;

export interface SecretRef {
  key: string;
  scope: SecretScope;
}

/** A secret as listed: never its value. */
export interface ListedSecret extends SecretRef {
  /** the provider's name for it, e.g. `acme-shop-shared-STRIPE-KEY` on Azure */
  name: string;
  kind: SecretKind | null;
  /** last update, where the provider gives it cheaply */
  updatedAt: Date | null;
}

export type SetAction = 'created' | 'updated' | 'unchanged' | 'restored';
export type RemoveAction = 'deleted' | 'purged';

export interface SetOptions {
  kind: SecretKind;
  /** replace an existing different value; without it an existing value is an error (exit 2) */
  overwrite: boolean;
}

export interface RemoveOptions {
  /** AWS: delete without the 7-day recovery window */
  force?: boolean;
  /** Azure: purge after the soft delete */
  purge?: boolean;
}

export interface SecretStore {
  readonly provider: ProviderName;
  /** a short description for stderr, e.g. `aws (eu-west-1)` or `local (.tsdevstack/.local-store.dev.json)` */
  readonly description: string;
  /** Every secret of this project (metadata `project-name`), following every page. */
  list(): Promise<ListedSecret[]>;
  /** The value, byte-for-byte; undefined when the secret does not exist. */
  get(ref: SecretRef): Promise<string | undefined>;
  /**
   * Creates the secret or adds a new version. An identical value changes nothing (`unchanged`,
   * no new version). A soft-deleted (Azure) or scheduled-for-deletion (AWS) name is restored,
   * then written (`restored`).
   */
  set(ref: SecretRef, value: string, options: SetOptions): Promise<SetAction>;
  /** Removes the secret; undefined when it did not exist. */
  remove(ref: SecretRef, options: RemoveOptions): Promise<RemoveAction | undefined>;
}
