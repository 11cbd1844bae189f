// A bare Kafka protocol client over one TCP connection, built on the generated
// codecs: for tests that need exact control of the bytes on the wire.
import net from 'node:net';
import { once } from 'node:events';
import { Reader, Writer } from '../../src/broker/protocol/codec.js';
import { apis, ApiKey, requestHeaderVersion, responseHeaderVersion } from '../../src/broker/protocol/apis.js';
import { writeRequestHeader } from '../../src/broker/protocol/messages/request-header.js';
import { readResponseHeader } from '../../src/broker/protocol/messages/response-header.js';

export class RawClient {
  private buffered = Buffer.alloc(0);
  private readonly frames: Buffer[] = [];
  private waiting: ((frame: Buffer | null) => void) | null = null;
  private nextCorrelationId = 1;
  closed = false;

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      while (this.buffered.length >= 4) {
        const size = this.buffered.readInt32BE(0);
        if (this.buffered.length < 4 + size) break;
        this.push(this.buffered.subarray(4, 4 + size));
        this.buffered = this.buffered.subarray(4 + size);
      }
    });
    socket.on('close', () => {
      this.closed = true;
      this.waiting?.(null);
      this.waiting = null;
    });
    socket.on('error', () => {});
  }

  static async connect(port: number, host = '127.0.0.1'): Promise<RawClient> {
    const socket = net.connect(port, host);
    await once(socket, 'connect');
    return new RawClient(socket);
  }

  private push(frame: Buffer): void {
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = null;
      w(frame);
    } else this.frames.push(frame);
  }

  /** The next response frame, or null once the broker has closed the connection. */
  nextFrame(): Promise<Buffer | null> {
    const f = this.frames.shift();
    if (f) return Promise.resolve(f);
    if (this.closed) return Promise.resolve(null);
    return new Promise((resolve) => (this.waiting = resolve));
  }

  /** Encodes a request with the generated codec and sends it; returns its correlation id. */
  send(apiKey: number, version: number, body: unknown, clientId: string | null = 'raw-test'): number {
    const correlationId = this.nextCorrelationId++;
    const w = new Writer();
    writeRequestHeader(w, requestHeaderVersion(apiKey, version), {
      requestApiKey: apiKey,
      requestApiVersion: version,
      correlationId,
      clientId,
    });
    apis[apiKey]!.writeRequest(w, version, body);
    this.writeFrame(w.toBuffer());
    return correlationId;
  }

  writeFrame(body: Buffer): void {
    const size = Buffer.alloc(4);
    size.writeInt32BE(body.length);
    this.socket.write(Buffer.concat([size, body]));
  }

  /** Reads the next response as the answer to (apiKey, version). */
  async receive<T = any>(apiKey: number, version: number): Promise<{ correlationId: number; body: T }> {
    const frame = await this.nextFrame();
    if (!frame) throw new Error('connection closed by the broker');
    const r = new Reader(frame);
    const header = readResponseHeader(r, responseHeaderVersion(apiKey, version));
    return { correlationId: header.correlationId, body: apis[apiKey]!.readResponse(r, version) as T };
  }

  async request<T = any>(apiKey: number, version: number, body: unknown): Promise<T> {
    const id = this.send(apiKey, version, body);
    const res = await this.receive<T>(apiKey, version);
    if (res.correlationId !== id) throw new Error(`correlation id ${res.correlationId}, expected ${id}`);
    return res.body;
  }

  async waitClosed(): Promise<void> {
    if (!this.closed) await once(this.socket, 'close');
  }

  close(): void {
    this.socket.destroy();
  }
}

/**
 * A fresh client's ApiVersions (v3): connects, asks, checks the answer carries
 * no error and lists ApiVersions, and returns how long it took in ms. Tests
 * print the figure (never assert on it) to show the broker kept serving.
 */
export async function freshApiVersions(port: number, host = '127.0.0.1'): Promise<number> {
  const started = performance.now();
  const client = await RawClient.connect(port, host);
  try {
    const res = await client.request(ApiKey.ApiVersions, 3, { clientSoftwareName: 'fresh-client', clientSoftwareVersion: '1.0' });
    if (res.errorCode !== 0) throw new Error(`ApiVersions answered error ${res.errorCode}`);
    if (!res.apiKeys.some((k: { apiKey: number }) => k.apiKey === ApiKey.ApiVersions)) throw new Error('ApiVersions does not list itself');
    return performance.now() - started;
  } finally {
    client.close();
  }
}
