import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import type { z } from 'zod';
import { ErrorBodySchema, PlantdeskError, errorMessages } from '../../../shared/errors';
import { parseServerUrl } from './server-url';

export interface ServerClientOptions {
  baseUrl: string;
  /** Per request; a server that does not answer in time is treated as unreachable. */
  timeoutMs?: number;
  /** Extra trusted CA certificates (PEM), e.g. a plant's internal CA; the system store is kept. */
  ca?: string;
  /** Largest answer accepted, in bytes. */
  maxResponseBytes?: number;
  userAgent?: string;
}

export interface RequestOptions<S extends z.ZodType> {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Path under /v1, e.g. '/auth/login'. */
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  token?: string | null;
  schema: S;
  signal?: AbortSignal;
}

/** A server's error answer, with the HTTP status kept for callers that branch on it. */
export class ServerError extends PlantdeskError {
  readonly status: number;
  constructor(status: number, code: string, message: string, details?: unknown) {
    super(code, message, details);
    this.name = 'ServerError';
    this.status = status;
  }
}

const networkErrorCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EPIPE', 'ECONNABORTED']);

/**
 * JSON over HTTP(S) to the Plantdesk server: TLS 1.2 or newer, certificate checks on, answers
 * validated with the caller's zod schema, every failure a typed PlantdeskError
 * (server_unreachable, invalid_server_response, or the server's own error code).
 */
export class ServerClient {
  readonly baseUrl: URL;
  private readonly options: Required<Omit<ServerClientOptions, 'ca' | 'baseUrl'>> & { ca?: string };
  private readonly agent: http.Agent;

  constructor(options: ServerClientOptions) {
    this.baseUrl = parseServerUrl(options.baseUrl);
    this.options = {
      timeoutMs: options.timeoutMs ?? 30_000,
      maxResponseBytes: options.maxResponseBytes ?? 256 * 1024 * 1024,
      userAgent: options.userAgent ?? 'Plantdesk',
      ca: options.ca,
    };
    this.agent =
      this.baseUrl.protocol === 'https:'
        ? new https.Agent({ keepAlive: true, minVersion: 'TLSv1.2', rejectUnauthorized: true, ...(options.ca ? { ca: [...tls.rootCertificates, options.ca] } : {}) })
        : new http.Agent({ keepAlive: true });
  }

  async request<S extends z.ZodType>(options: RequestOptions<S>): Promise<z.output<S>> {
    const url = this.urlFor(options.path, options.query);
    const payload = options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body), 'utf8');
    const headers: Record<string, string> = { Accept: 'application/json', 'User-Agent': this.options.userAgent };
    if (payload) {
      headers['Content-Type'] = 'application/json';
      headers['Content-Length'] = String(payload.length);
    }
    if (options.token) headers.Authorization = `Bearer ${options.token}`;

    const { status, body } = await this.send(url, options.method ?? (payload ? 'POST' : 'GET'), headers, payload, options.signal);
    let json: unknown;
    try {
      json = body.length === 0 ? null : JSON.parse(body.toString('utf8'));
    } catch {
      throw new PlantdeskError('invalid_server_response', undefined, { status });
    }
    if (status < 200 || status >= 300) throw toServerError(status, json);
    const parsed = options.schema.safeParse(json);
    if (!parsed.success) throw new PlantdeskError('invalid_server_response', undefined, { status, path: options.path });
    return parsed.data;
  }

  /**
   * A GET whose answer is read as it arrives (the first-sync download): resolves once the
   * status is in. An error answer is read whole and thrown as the server's typed error; a
   * success must carry `mediaType`. The idle timeout applies between chunks.
   */
  async stream(options: Omit<RequestOptions<z.ZodType>, 'method' | 'body' | 'schema'> & { mediaType: string }): Promise<AsyncIterable<Buffer>> {
    const url = this.urlFor(options.path, options.query);
    const headers: Record<string, string> = { Accept: `${options.mediaType}, application/json`, 'User-Agent': this.options.userAgent };
    if (options.token) headers.Authorization = `Bearer ${options.token}`;
    const transport = url.protocol === 'https:' ? https : http;
    const response = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const request = transport.request(url, { method: 'GET', headers, agent: this.agent, timeout: this.options.timeoutMs, signal: options.signal }, resolve);
      request.on('timeout', () => request.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
      request.on('error', (error) => reject(toNetworkError(error)));
      request.end();
    });
    const status = response.statusCode ?? 0;
    if (status >= 200 && status < 300 && (response.headers['content-type'] ?? '').split(';')[0].trim() === options.mediaType) return response;
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of response as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > 1024 * 1024) break;
        chunks.push(chunk);
      }
    } catch (error) {
      throw toNetworkError(error);
    } finally {
      response.destroy();
    }
    let json: unknown;
    try {
      json = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      throw new PlantdeskError('invalid_server_response', undefined, { status, path: options.path });
    }
    if (status >= 200 && status < 300) throw new PlantdeskError('invalid_server_response', undefined, { status, path: options.path });
    throw toServerError(status, json);
  }

  close(): void {
    this.agent.destroy();
  }

  /** `<server>/v1<path>?<query>`, under the server address's own path. */
  private urlFor(path: string, query: RequestOptions<z.ZodType>['query']): URL {
    const prefix = this.baseUrl.pathname.replace(/\/+$/, '');
    const url = new URL(`${this.baseUrl.origin}${prefix}/v1${path}`);
    for (const [key, value] of Object.entries(query ?? {})) if (value !== undefined) url.searchParams.set(key, String(value));
    return url;
  }

  private send(url: URL, method: string, headers: Record<string, string>, payload: Buffer | undefined, signal?: AbortSignal) {
    const transport = url.protocol === 'https:' ? https : http;
    return new Promise<{ status: number; body: Buffer }>((resolve, reject) => {
      const request = transport.request(url, { method, headers, agent: this.agent, timeout: this.options.timeoutMs, signal }, (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > this.options.maxResponseBytes) {
            request.destroy();
            reject(new PlantdeskError('invalid_server_response', 'The server sent more data than Plantdesk accepts in one answer.'));
            return;
          }
          chunks.push(chunk);
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks) }));
        response.on('error', (error) => reject(toNetworkError(error)));
        response.on('aborted', () => reject(new PlantdeskError('server_unreachable', 'The connection to the server broke off mid-answer.')));
      });
      request.on('timeout', () => request.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
      request.on('error', (error) => reject(toNetworkError(error)));
      request.end(payload);
    });
  }
}

function toNetworkError(error: unknown): PlantdeskError {
  if (error instanceof PlantdeskError) return error;
  const code = (error as { code?: string }).code ?? '';
  if ((error as Error).name === 'AbortError') return new PlantdeskError('server_unreachable', 'The request was cancelled.');
  if (networkErrorCodes.has(code)) return new PlantdeskError('server_unreachable', undefined, { cause: code });
  // TLS failures (bad certificate, protocol too old) are not "offline": say what happened.
  if (/CERT|SSL|TLS|PROTOCOL|SELF_SIGNED|UNABLE_TO_VERIFY/i.test(code) || /SSL|TLS|certificate/i.test((error as Error).message ?? '')) {
    return new PlantdeskError('insecure_server_url', 'The server\'s secure connection could not be verified (certificate or TLS version). Nothing was sent.', { cause: code });
  }
  return new PlantdeskError('server_unreachable', undefined, { cause: code || 'unknown' });
}

function toServerError(status: number, json: unknown): PlantdeskError {
  const envelope = ErrorBodySchema.safeParse((json as { error?: unknown } | null)?.error);
  if (!envelope.success) return new PlantdeskError(status >= 500 ? 'server_unreachable' : 'invalid_server_response', undefined, { status });
  const { code, details } = envelope.data;
  // Messages for codes this app knows are its own; an unknown code keeps the server's sentence.
  const message = (errorMessages as Record<string, string>)[code] ?? envelope.data.message;
  return new ServerError(status, code, message, details);
}
