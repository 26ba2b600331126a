import {
  cloudSecretName,
  refFromLegacyName,
  secretMetadata,
  TAG_KIND,
  TAG_ORIGINAL_KEY,
  TAG_PROJECT,
  TAG_SCOPE,
} from '../../core/cloud-naming.js';
import type { ListedSecret, SecretKind, SecretRef } from '../secret-store.js';

/** A GCP label value: lowercase letters, digits, `_` and `-`, at most 63 characters. */
const LABEL_VALUE = /^[\p{Ll}\p{Lo}\p{N}_-]{0,63}$/u;

export interface GcpSecretMetadata {
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/**
 * SPEC §9.1: the metadata as labels where the value fits GCP's label rules (they are what list
 * can filter on), the rest in annotations. `original-key` is always an annotation: keys are
 * uppercase, which labels refuse.
 */
export function gcpSecretMetadata(
  project: string,
  ref: SecretRef,
  kind: SecretKind,
): GcpSecretMetadata {
  const labels: Record<string, string> = {};
  const annotations: Record<string, string> = {};
  for (const [name, value] of Object.entries(secretMetadata(project, ref, kind))) {
    if (name !== TAG_ORIGINAL_KEY && LABEL_VALUE.test(value)) labels[name] = value;
    else annotations[name] = value;
  }
  return { labels, annotations };
}

/**
 * The server-side list filter on `project-name`, in the form the original tool used; none when the
 * project name cannot be a label value (then it lives in an annotation and only the client-side
 * check in listedSecret applies).
 */
export function projectFilter(project: string): string | undefined {
  return LABEL_VALUE.test(project) ? `labels.${TAG_PROJECT}=${project}` : undefined;
}

export interface GcpSecretFields {
  name?: string | null;
  labels?: Record<string, string> | null;
  annotations?: Record<string, string> | null;
}

/**
 * A listed secret of this project, or undefined for anything else. Secrets are compared by the
 * last segment of their resource name: GCP answers with the project number even when asked by
 * project id. A secret without `original-key` (made by the original tool) maps back by removing
 * the known `{project}-{scope}-` prefix. A secret whose id does not match its metadata is skipped:
 * get, set and remove would not find it under that key.
 *
 * `updatedAt` is null: a listed GCP secret carries only its own createTime, which is when the
 * secret was first made, not when its value last changed; the latest version's time would cost
 * one request per secret.
 */
export function listedSecret(project: string, secret: GcpSecretFields): ListedSecret | undefined {
  const name = secret.name?.split('/').pop();
  if (name === undefined || name === '') return undefined;
  const labels = secret.labels ?? {};
  const annotations = secret.annotations ?? {};
  const meta = (tag: string): string | undefined => labels[tag] ?? annotations[tag];
  if (meta(TAG_PROJECT) !== project) return undefined;
  const scope = meta(TAG_SCOPE);
  if (scope === undefined || scope === '') return undefined;
  const key = annotations[TAG_ORIGINAL_KEY] ?? refFromLegacyName('gcp', project, scope, name)?.key;
  if (key === undefined || key === '') return undefined;
  if (cloudSecretName('gcp', project, { key, scope }) !== name) return undefined;
  const kind = meta(TAG_KIND);
  return {
    key,
    scope,
    name,
    kind: kind === 'framework' || kind === 'user' ? kind : null,
    updatedAt: null,
  };
}

let crcTable: Uint32Array | undefined;

/** CRC32C (Castagnoli), the checksum Secret Manager verifies on `payload.dataCrc32c`. */
export function crc32c(data: Uint8Array): number {
  if (crcTable === undefined) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n += 1) {
      let c = n;
      for (let bit = 0; bit < 8; bit += 1) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (const byte of data) crc = (crcTable[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
