// Listeners as Kafka spells them: `listeners=PLAINTEXT://0.0.0.0:9092,SASL_SSL://127.0.0.1:9093`,
// `advertised.listeners` (same names, the addresses clients are told) and
// `listener.security.protocol.map` (custom names such as INTERNAL:PLAINTEXT).
// Each listener has one security protocol; Metadata answers the advertised
// address of the listener a client connected on.

export type SecurityProtocol = 'PLAINTEXT' | 'SSL' | 'SASL_PLAINTEXT' | 'SASL_SSL';
export const SECURITY_PROTOCOLS: readonly SecurityProtocol[] = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'];

export interface ListenerSpec {
  /** The listener's name (PLAINTEXT, SASL_SSL, or a custom name mapped to a protocol). */
  name: string;
  host: string;
  /** 0 picks a free port. */
  port: number;
}

export interface ListenerConfig extends ListenerSpec {
  securityProtocol: SecurityProtocol;
  /** Where clients are told to connect; port 0 means the port actually bound. */
  advertisedHost: string;
  advertisedPort: number;
}

export class ListenerConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ListenerConfigError';
  }
}

/** `NAME://host:port,...` (host may be empty for every interface, or [v6]); specs pass through. */
export function parseListeners(value: string | readonly ListenerSpec[], what = 'listeners'): ListenerSpec[] {
  if (typeof value !== 'string') return value.map((l) => ({ ...l, name: l.name.toUpperCase() }));
  const out: ListenerSpec[] = [];
  for (const raw of value.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^([A-Za-z0-9_.-]+):\/\/(\[[0-9a-fA-F:]*\]|[^:\s]*):(\d{1,5})$/.exec(raw);
    if (!m) throw new ListenerConfigError(`${what}: "${raw}" is not NAME://host:port`);
    const port = Number(m[3]);
    if (port > 65535) throw new ListenerConfigError(`${what}: port ${port} of "${raw}" is above 65535`);
    out.push({ name: m[1]!.toUpperCase(), host: m[2]!.replace(/^\[|\]$/g, ''), port });
  }
  if (out.length === 0) throw new ListenerConfigError(`${what}: no listener given`);
  const names = out.map((l) => l.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new ListenerConfigError(`${what}: listener name ${dup} appears twice`);
  return out;
}

/** `INTERNAL:PLAINTEXT,EXTERNAL:SASL_SSL` or an object; protocol names map to themselves. */
export function parseProtocolMap(value: string | Readonly<Record<string, string>> | undefined): Map<string, SecurityProtocol> {
  const map = new Map<string, SecurityProtocol>(SECURITY_PROTOCOLS.map((p) => [p, p]));
  if (value === undefined) return map;
  const entries =
    typeof value === 'string'
      ? value.split(',').map((s) => s.trim()).filter(Boolean).map((pair) => {
          const i = pair.indexOf(':');
          if (i <= 0) throw new ListenerConfigError(`listener.security.protocol.map: "${pair}" is not NAME:PROTOCOL`);
          return [pair.slice(0, i), pair.slice(i + 1)] as const;
        })
      : Object.entries(value);
  for (const [name, protocol] of entries) {
    const p = protocol.trim().toUpperCase() as SecurityProtocol;
    if (!SECURITY_PROTOCOLS.includes(p)) {
      throw new ListenerConfigError(`listener.security.protocol.map: "${protocol}" is not one of ${SECURITY_PROTOCOLS.join(', ')}`);
    }
    map.set(name.trim().toUpperCase(), p);
  }
  return map;
}

const WILDCARDS = new Set(['', '0.0.0.0', '::']);

/**
 * The listeners with their protocols and advertised addresses. A listener not named
 * in `advertised` advertises its own host (127.0.0.1 for a wildcard) and bound port.
 */
export function resolveListeners(
  listeners: readonly ListenerSpec[],
  advertised: readonly ListenerSpec[] | undefined,
  protocols: ReadonlyMap<string, SecurityProtocol>,
): ListenerConfig[] {
  for (const a of advertised ?? []) {
    if (!listeners.some((l) => l.name === a.name)) {
      throw new ListenerConfigError(`advertised.listeners: ${a.name} is not one of the listeners (${listeners.map((l) => l.name).join(', ')})`);
    }
  }
  return listeners.map((l) => {
    const securityProtocol = protocols.get(l.name);
    if (!securityProtocol) {
      throw new ListenerConfigError(`listener ${l.name} has no security protocol: name it in listener.security.protocol.map (${l.name}:PLAINTEXT)`);
    }
    if (!Number.isInteger(l.port) || l.port < 0 || l.port > 65535) {
      throw new ListenerConfigError(`listener ${l.name}: port must be an integer in 0..65535, got ${l.port}`);
    }
    const a = advertised?.find((x) => x.name === l.name);
    const ownHost = WILDCARDS.has(l.host) ? '127.0.0.1' : l.host;
    return {
      ...l,
      securityProtocol,
      advertisedHost: a && !WILDCARDS.has(a.host) ? a.host : ownHost,
      advertisedPort: a?.port ?? 0,
    };
  });
}

export function usesSasl(p: SecurityProtocol): boolean {
  return p === 'SASL_PLAINTEXT' || p === 'SASL_SSL';
}

export function usesTls(p: SecurityProtocol): boolean {
  return p === 'SSL' || p === 'SASL_SSL';
}
