// The values Kafka 3.x accepts for message.format.version: a release's
// metadata version ("2.8-IV1", "0.10.0-IV0"), a release alone ("2.8", "0.10.2"),
// or a longer release number cut to the release ("2.8.1", "0.10.0.1"). Since
// 3.0 the setting is ignored (every batch is v2), but it is still a valid
// topic config, so tools that set it are not refused.

/** Releases and how many metadata versions ("-IVn") each has; 0: the release name alone. */
const RELEASES: Record<string, number> = {
  '0.8.0': 0, '0.8.1': 0, '0.8.2': 0, '0.9.0': 0,
  '0.10.0': 2, '0.10.1': 3, '0.10.2': 1, '0.11.0': 3,
  '1.0': 1, '1.1': 1, '2.0': 2, '2.1': 3, '2.2': 2, '2.3': 2, '2.4': 2, '2.5': 1, '2.6': 1, '2.7': 3, '2.8': 2,
  '3.0': 2, '3.1': 1, '3.2': 1, '3.3': 4, '3.4': 1, '3.5': 3, '3.6': 3, '3.7': 5, '3.8': 1, '3.9': 1,
};

/** Kafka 3.x's default for message.format.version. */
export const DEFAULT_MESSAGE_FORMAT_VERSION = '3.0-IV1';

/** Whether Kafka's MetadataVersion.fromVersionString would accept `value`. */
export function isMessageFormatVersion(value: string): boolean {
  const parts = value.split('.');
  const segments = value.startsWith('0.') ? 3 : 2;
  const key = parts.length > segments ? parts.slice(0, segments).join('.') : value;
  if (key in RELEASES) return true;
  const m = /^(.+)-IV(\d+)$/.exec(key);
  return m !== null && (RELEASES[m[1]!] ?? 0) > Number(m[2]);
}
