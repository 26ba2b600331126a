import type { SecretListEntry, Tag } from '@aws-sdk/client-secrets-manager';
import {
  assertSecretLimits,
  secretExistsError,
  cloudSecretName,
  refFromLegacyName,
  secretMetadata,
  SHARED_SCOPE,
  TAG_KIND,
  TAG_ORIGINAL_KEY,
  TAG_PROJECT,
  TAG_SCOPE,
} from '../../core/cloud-naming.js';
import { CliError, ExitCode, failureError } from '../../errors.js';
import type {
  ListedSecret,
  RemoveAction,
  RemoveOptions,
  SecretKind,
  SecretRef,
  SecretStore,
  SetAction,
  SetOptions,
} from '../secret-store.js';
import type { AwsCalls } from './calls.js';

/** AWS Secrets Manager: decisions here, wire calls (retry, exact names, errors) in AwsCalls. */
export class AwsStore implements SecretStore {
  readonly provider = 'aws';

  constructor(
    private readonly calls: AwsCalls,
    private readonly project: string,
    private readonly env: string,
    readonly description: string,
  ) {}

  async list(): Promise<ListedSecret[]> {
    const what = `listing the ${this.project} secrets`;
    // Tag filters match by prefix, each on its own (any tag key, any tag value): the tag is
    // checked again for every entry.
    const filters = [
      { Key: 'tag-key' as const, Values: [TAG_PROJECT] },
      { Key: 'tag-value' as const, Values: [this.project] },
    ];
    const listed: ListedSecret[] = [];
    const tokens = new Set<string>();
    let token: string | undefined;
    do {
      const page = await this.calls.listPage(what, filters, token);
      for (const entry of page.SecretList ?? []) {
        const secret = this.toListed(entry);
        if (secret !== undefined) listed.push(secret);
      }
      token = page.NextToken;
      if (token !== undefined && tokens.has(token)) {
        throw failureError('PROVIDER_ERROR', `aws: ${what}: the same page token came back twice`);
      }
      if (token !== undefined) tokens.add(token);
    } while (token !== undefined);
    return listed.sort(
      (a, b) =>
        Number(b.scope === SHARED_SCOPE) - Number(a.scope === SHARED_SCOPE) ||
        a.scope.localeCompare(b.scope) ||
        a.key.localeCompare(b.key),
    );
  }

  async get(ref: SecretRef): Promise<string | undefined> {
    const current = await this.calls.read(this.nameOf(ref));
    return current.state === 'found' ? current.value : undefined;
  }

  async set(ref: SecretRef, value: string, options: SetOptions): Promise<SetAction> {
    const name = this.nameOf(ref, value);
    const current = await this.calls.read(name);
    if (current.state === 'scheduled') return this.restore(name, ref, value, options.kind);
    if (current.state === 'found') return this.replace(current, name, ref, value, options);

    const created = await this.calls.create(name, value, this.tags(ref, options.kind));
    if (created === 'done') return 'created';
    if (created === 'scheduled') return this.restore(name, ref, value, options.kind);
    // Someone else got there first, or an attempt of ours landed before its answer was lost.
    const now = await this.calls.read(name);
    if (now.state === 'found' && now.value === value) return 'created';
    if (now.state === 'found') return this.replace(now, name, ref, value, options);
    throw failureError(
      'PROVIDER_ERROR',
      `aws changed ${name} while this command was working on it; run the command again`,
    );
  }

  async remove(ref: SecretRef, options: RemoveOptions): Promise<RemoveAction | undefined> {
    const name = this.nameOf(ref);
    const force = options.force === true;
    // Describe first: a forced delete of a missing secret succeeds on AWS, so its answer cannot
    // tell whether there was anything to remove. A scheduled secret is already removed, unless
    // --force asks to delete it for good.
    const described = await this.calls.describe(name);
    if (described === undefined || (described.scheduled && !force)) return undefined;
    const outcome = await this.calls.delete(described.arn, name, force);
    if (outcome === 'missing' || outcome === 'scheduled') return undefined;
    return force ? 'purged' : 'deleted';
  }

  private async replace(
    current: { arn: string; value: string },
    name: string,
    ref: SecretRef,
    value: string,
    options: SetOptions,
  ): Promise<SetAction> {
    if (current.value === value) return 'unchanged';
    if (!options.overwrite) {
      throw secretExistsError(ref, this.env);
    }
    await this.write(current.arn, name, ref, value, options.kind);
    return 'updated';
  }

  /** A name scheduled for deletion: restore it (keeping its ARN and history), then write. */
  private async restore(
    name: string,
    ref: SecretRef,
    value: string,
    kind: SecretKind,
  ): Promise<SetAction> {
    const described = await this.calls.describe(name);
    if (described === undefined) {
      throw failureError(
        'PROVIDER_ERROR',
        `aws deleted ${name} while this command was restoring it; run the command again`,
      );
    }
    try {
      await this.calls.restore(described.arn, name);
    } catch (error) {
      if (!(error instanceof CliError) || error.code === 'RETRIES_EXHAUSTED') throw error;
      const service = ref.scope === SHARED_SCOPE ? '' : ` --service ${ref.scope}`;
      throw new CliError({
        code: 'SECRET_SCHEDULED_FOR_DELETION',
        message: `${name} is scheduled for deletion in aws and could not be restored: ${error.message}`,
        hint: `To replace it instead, delete it for good, then set it again: npx tsdevstack-secrets cloud-secrets:remove ${ref.key}${service} --env ${this.env} --force`,
        exitCode: ExitCode.failure,
        cause: error,
      });
    }
    await this.write(described.arn, name, ref, value, kind);
    return 'restored';
  }

  /** A new version, then the metadata: a secret of the original tool gains `original-key`. */
  private async write(
    arn: string,
    name: string,
    ref: SecretRef,
    value: string,
    kind: SecretKind,
  ): Promise<void> {
    await this.calls.put(arn, name, value);
    await this.calls.tag(arn, name, this.tags(ref, kind));
  }

  private toListed(entry: SecretListEntry): ListedSecret | undefined {
    const name = entry.Name;
    if (name === undefined || entry.DeletedDate !== undefined) return undefined;
    const tags = new Map((entry.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
    if (tags.get(TAG_PROJECT) !== this.project) return undefined;
    const ref = refFromTags(this.project, name, tags.get(TAG_SCOPE), tags.get(TAG_ORIGINAL_KEY));
    if (ref === undefined) return undefined;
    const kind = tags.get(TAG_KIND);
    return {
      ...ref,
      name,
      kind: kind === 'framework' || kind === 'user' ? kind : null,
      updatedAt: entry.LastChangedDate ?? null,
    };
  }

  /** The cloud name, with the name (and value) checked against the AWS limits before any request. */
  private nameOf(ref: SecretRef, value?: string): string {
    const name = cloudSecretName('aws', this.project, ref);
    assertSecretLimits('aws', ref, name, value);
    return name;
  }

  private tags(ref: SecretRef, kind: SecretKind): Tag[] {
    return Object.entries(secretMetadata(this.project, ref, kind)).map(([Key, Value]) => ({
      Key,
      Value,
    }));
  }
}

/**
 * The key and scope of a listed secret: from its tags when they rebuild its exact name, else (a
 * secret of the original tool, no `original-key`) its name minus the known `{project}-{scope}-`.
 */
function refFromTags(
  project: string,
  name: string,
  scope: string | undefined,
  key: string | undefined,
): SecretRef | undefined {
  const candidates: (SecretRef | undefined)[] = [];
  if (scope !== undefined && key !== undefined) candidates.push({ scope, key });
  if (scope !== undefined) candidates.push(refFromLegacyName('aws', project, scope, name));
  if (scope === undefined && key !== undefined) {
    const middle = name.slice(project.length + 1, name.length - key.length - 1);
    candidates.push({ scope: middle, key });
  }
  return candidates.find(
    (ref): ref is SecretRef =>
      ref !== undefined &&
      ref.key !== '' &&
      ref.scope !== '' &&
      cloudSecretName('aws', project, ref) === name,
  );
}
