// max.connections and max.connections.per.ip: a connection beyond either is
// closed as soon as it is accepted, as Kafka does, so one client cannot take
// every socket and file descriptor of the broker. Both change at run time
// (dynamic broker configs); connections already open stay, as in Kafka.
export class ConnectionLimits {
  private total = 0;
  private readonly perIp = new Map<string, number>();

  constructor(
    private maxConnections: number,
    private maxPerIp: number,
  ) {}

  setLimits(maxConnections: number, maxPerIp: number): void {
    this.maxConnections = maxConnections;
    this.maxPerIp = maxPerIp;
  }

  /** Counts a new connection in, or answers why it is refused (then it is not counted). */
  admit(ip: string): string | null {
    const fromIp = this.perIp.get(ip) ?? 0;
    if (this.total >= this.maxConnections) return `max.connections (${this.maxConnections}) reached`;
    if (fromIp >= this.maxPerIp) return `max.connections.per.ip (${this.maxPerIp}) reached for ${ip}`;
    this.total++;
    this.perIp.set(ip, fromIp + 1);
    return null;
  }

  leave(ip: string): void {
    this.total--;
    const left = (this.perIp.get(ip) ?? 1) - 1;
    if (left <= 0) this.perIp.delete(ip);
    else this.perIp.set(ip, left);
  }

  get count(): number {
    return this.total;
  }
}
