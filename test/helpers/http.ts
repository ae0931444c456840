import { oracle } from './openapi';

/**
 * A small HTTP client over fetch: every e2e request really crosses a socket, and every answer
 * is checked against swagger.yaml (declared status, media type, body schema, API headers).
 * A disagreement throws, so a change that makes code and document differ fails the test.
 */
export interface HttpResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface RequestOptions {
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** Send this string as the raw body (for malformed JSON tests). */
  raw?: string;
  /**
   * false: do not check the answer against swagger.yaml. Only for requests outside the
   * document on purpose (unknown routes, methods a path does not have, the docs endpoints).
   */
  docCheck?: boolean;
}

/** Thrown when an answer disagrees with swagger.yaml. */
export class DocumentMismatchError extends Error {}

export class Http {
  constructor(private readonly baseUrl: string) {}

  async request<T = any>(
    method: string,
    path: string,
    opts: RequestOptions = {},
  ): Promise<HttpResponse<T>> {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    let body: string | undefined;
    if (opts.raw !== undefined) body = opts.raw;
    else if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(`${this.baseUrl}/api/v1${path}`, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON: keep the text */
    }
    const out = { status: res.status, headers: res.headers, body: parsed as T, text };
    if (opts.docCheck !== false) {
      const problems = oracle().check(method, `/api/v1${path}`, out);
      if (problems.length > 0) {
        throw new DocumentMismatchError(
          `${method} /api/v1${path} answered ${res.status}, which disagrees with swagger.yaml:\n  ` +
            `${problems.join('\n  ')}\nbody: ${text.slice(0, 500)}`,
        );
      }
    }
    return out;
  }

  get<T = any>(path: string, opts?: RequestOptions) {
    return this.request<T>('GET', path, opts);
  }
  post<T = any>(path: string, body?: unknown, opts: RequestOptions = {}) {
    return this.request<T>('POST', path, { ...opts, body });
  }
  put<T = any>(path: string, body?: unknown, opts: RequestOptions = {}) {
    return this.request<T>('PUT', path, { ...opts, body });
  }
  patch<T = any>(path: string, body?: unknown, opts: RequestOptions = {}) {
    return this.request<T>('PATCH', path, { ...opts, body });
  }
  delete<T = any>(path: string, opts?: RequestOptions) {
    return this.request<T>('DELETE', path, opts);
  }

  async login(
    username: string,
    password: string,
  ): Promise<{ accessToken: string; refreshToken: string }> {
    const res = await this.post('/auth/login', { username, password });
    if (res.status !== 200) throw new Error(`login ${username} failed: ${res.status} ${res.text}`);
    return res.body;
  }
}

/** Asserts a problem+json response with the given status. */
export function expectProblem(res: HttpResponse, status: number): void {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ status, title: expect.any(String), detail: expect.any(String) });
  expect(res.text).not.toMatch(/stack|QueryFailedError|SQLITE|ER_|at \//);
}
