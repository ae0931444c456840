import { errorCodes, type FastifyInstance, type FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { invalid } from './errors/domain-error';
import { lingerAfterRefusal } from './lingering-close';

/** Bodies hold at most this many keys in total, at every level (DESIGN.md, input rules). */
export const MAX_BODY_KEYS = 1000;
/** ... and are nested at most this deep (`{}` is one level, `{"a":[{}]}` three). */
export const MAX_BODY_DEPTH = 32;

export type BodyShapeProblem = 'keys' | 'depth';

const QUOTE = 0x22 as const;
const BACKSLASH = 0x5c as const;

/**
 * One pass over the raw JSON bytes as they arrive, outside strings: `{` and `[` open a
 * level, `:` is an object's key and every array element counts as a key too (its index is
 * its key, as `items.0` in `errors`). It stops at the first limit crossed and keeps no
 * stack beyond MAX_BODY_DEPTH bytes, so its cost is linear and its memory constant,
 * whatever the body. It works on UTF-8 bytes: every byte of a multi-byte character is
 * >= 0x80, so none is mistaken for a bracket, a quote or a colon.
 *
 * Why before JSON.parse and before class-transformer: class-transformer de-duplicates
 * keys in O(n^2) (80,000 keys held the event loop ~10 s) and recurses per level (1,500
 * levels overflowed its stack). The text need not be valid JSON: JSON.parse decides that.
 */
export class JsonShapeScanner {
  private readonly isArray: Uint8Array;
  private depth = 0;
  private keys = 0;
  private strings = 0;
  /** Just after `[`: the next value, if it is not `]`, is the array's first element. */
  private arrayOpened = false;
  private inString = false;
  /** The last chunk ended on a backslash inside a string: the next byte is escaped. */
  private escaped = false;

  constructor(
    private readonly maxKeys = MAX_BODY_KEYS,
    private readonly maxDepth = MAX_BODY_DEPTH,
  ) {
    this.isArray = new Uint8Array(maxDepth + 1);
  }

  /** Scans the next chunk; the first limit crossed, or undefined. */
  feed(bytes: Uint8Array): BodyShapeProblem | undefined {
    const buf = Buffer.isBuffer(bytes)
      ? bytes
      : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let i = 0;
    const n = buf.length;
    while (i < n) {
      if (this.inString) {
        i = this.skipString(buf, i);
        continue;
      }
      const c = buf[i++];
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) continue;
      if (this.arrayOpened) {
        this.arrayOpened = false;
        if (c !== 0x5d /* ] */ && ++this.keys > this.maxKeys) return 'keys';
      }
      switch (c) {
        case QUOTE:
          // A body within the key limit has at most two strings per key (its name and its
          // value): more is a body over the limit, however its commas and colons read.
          if (++this.strings > 2 * this.maxKeys + 1) return 'keys';
          this.inString = true;
          break;
        case 0x7b /* { */:
        case 0x5b /* [ */:
          if (++this.depth > this.maxDepth) return 'depth';
          this.isArray[this.depth] = c === 0x5b ? 1 : 0;
          this.arrayOpened = c === 0x5b;
          break;
        case 0x7d /* } */:
        case 0x5d /* ] */:
          if (this.depth > 0) this.depth--;
          break;
        case 0x3a /* : */:
          if (++this.keys > this.maxKeys) return 'keys';
          break;
        case 0x2c /* , */:
          if (this.depth > 0 && this.isArray[this.depth] === 1 && ++this.keys > this.maxKeys)
            return 'keys';
          break;
      }
    }
    return undefined;
  }

  /** Inside a string from `i`: the index just after its closing quote, or the chunk's end. */
  private skipString(buf: Buffer, i: number): number {
    const n = buf.length;
    if (this.escaped) {
      this.escaped = false;
      i++;
    }
    // Fast path, natively: no escape before the closing quote (or before the chunk's end).
    const quote = this.next(buf, QUOTE, i);
    const backslash = this.next(buf, BACKSLASH, i);
    if (backslash < 0 || (quote >= 0 && quote < backslash)) {
      if (quote < 0) return n;
      this.inString = false;
      return quote + 1;
    }
    // Escapes ahead: byte by byte to the end of the string (a quote after an escaped
    // backslash closes it) or of the chunk.
    for (; i < n; i++) {
      const c = buf[i];
      if (c === BACKSLASH) {
        if (++i >= n) {
          this.escaped = true;
          return n;
        }
      } else if (c === QUOTE) {
        this.inString = false;
        return i + 1;
      }
    }
    return n;
  }

  /** The chunk the positions below are for. */
  private memo: Buffer | undefined;
  /** Next quote / backslash at or after the last search's start; -1 none to the end, -2 unknown. */
  private quoteAt = -2;
  private backslashAt = -2;

  /**
   * The next `byte` at or after `from`, with native indexOf, each search's answer kept until
   * the scan passes it: a search is never repeated over the same bytes (searching afresh per
   * escape or per string made a 1 MB string of escapes quadratic).
   */
  private next(buf: Buffer, byte: typeof QUOTE | typeof BACKSLASH, from: number): number {
    if (this.memo !== buf) {
      this.memo = buf;
      this.quoteAt = this.backslashAt = -2;
    }
    const known = byte === QUOTE ? this.quoteAt : this.backslashAt;
    if (known === -1 || known >= from) return known;
    const at = buf.indexOf(byte, from);
    if (byte === QUOTE) this.quoteAt = at;
    else this.backslashAt = at;
    return at;
  }
}

/** The scanner over a whole text at once. */
export function scanJsonShape(
  text: string,
  maxKeys = MAX_BODY_KEYS,
  maxDepth = MAX_BODY_DEPTH,
): BodyShapeProblem | undefined {
  return new JsonShapeScanner(maxKeys, maxDepth).feed(Buffer.from(text, 'utf8'));
}

const SHAPE_MESSAGES: Record<BodyShapeProblem, string> = {
  keys: `The body has more than ${MAX_BODY_KEYS} keys`,
  depth: `The body is nested deeper than ${MAX_BODY_DEPTH} levels`,
};

/**
 * The only body parser: `application/json`, scanned chunk by chunk as it arrives
 * (JsonShapeScanner), then parsed by Fastify's default JSON parser (secure-json-parse:
 * `__proto__` and `constructor.prototype` are refused). Every other content type,
 * form-encoded included, is 415 (no parser).
 *
 * It reads the stream itself, as Fastify's own body reader does (same 413 and
 * content-length checks), so that a body over a limit is refused at the chunk that
 * crosses it, and answered at once: the rest is never read (lingerAfterRefusal: the
 * sender is held by TCP backpressure, and the close waits until the client has had time
 * to read its answer, so that the answer is not lost to a reset). Reading the whole 1 MB
 * first, then decoding it to a string, cost ~3.6 ms of CPU per hostile body, mostly the
 * decode (measured with --cpu-prof: 170 bodies/s took 61% of a core), and reads next to
 * such a client lost ~23% of throughput; reading the rest and dropping it, a few ms more
 * of mostly kernel time per body.
 *
 * Scan cost of 1 MB bodies (Node 20, 2 shared EPYC vCPUs, fastest of 10): refused ones stop
 * within the first kilobytes; one long string ~0.1 ms (indexOf); 1 MB of escapes ~1.5 ms
 * (byte loop); 1,000 numbers of 1,000 digits (every byte through the switch, the worst)
 * ~6 ms. JSON.parse of such bodies takes 2-10 ms itself.
 *
 * Every refusal (a limit crossed, not JSON, another media type) goes through `onRefused`
 * before it is answered: the rate limit counts refused bodies too.
 */
export function registerJsonBodyParser(
  fastify: FastifyInstance,
  bodyLimit: number,
  onRefused: RefusalHook = (_request, err) => Promise.resolve(err),
): void {
  fastify.removeAllContentTypeParsers();
  const parse = fastify.getDefaultJsonParser('error', 'error');
  fastify.addContentTypeParser(
    'application/json',
    { bodyLimit },
    (request: FastifyRequest, payload: Readable, done) => {
      const refused = (err: Error) => answerRefusal(onRefused, request, err, done);
      readScanned(request, payload, bodyLimit, (err, text) => {
        if (err) return refused(err);
        // Fastify's default parser is the callback kind (it calls done); typed as either kind.
        void parse(request, text as string, (parseErr: Error | null, body?: unknown) => {
          if (parseErr) refused(parseErr);
          else done(null, body);
        });
      });
    },
  );
  // Any other media type, form-encoded included: 415, unread, counted like every refusal.
  fastify.addContentTypeParser('*', (request: FastifyRequest, payload: Readable, done) => {
    payload.pause();
    lingerAfterRefusal(request.raw);
    answerRefusal(onRefused, request, new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE(), done);
  });
}

/** Answers a refusal with what the hook makes of it (the refusal itself if the hook fails). */
function answerRefusal(
  onRefused: RefusalHook,
  request: FastifyRequest,
  err: Error,
  done: (err: Error | null, body?: unknown) => void,
): void {
  onRefused(request, err).then(
    (answer) => done(answer, undefined),
    () => done(err, undefined),
  );
}

/**
 * Called with every body the parser refuses (a limit crossed, not JSON, another media
 * type) before it is answered: resolves with the error to answer instead (the rate limit
 * counts refused bodies: rate-limit/refused-bodies.ts).
 */
export type RefusalHook = (request: FastifyRequest, err: Error) => Promise<Error>;

type BodyCallback = (err: Error | null, text?: string) => void;

function readScanned(
  request: FastifyRequest,
  payload: Readable,
  limit: number,
  done: BodyCallback,
): void {
  /** Answered before the body's end: the rest is left unread (lingerAfterRefusal). */
  const refuse = (err: Error) => {
    payload.pause();
    lingerAfterRefusal(request.raw);
    stop(err);
  };
  const contentLength = Number(request.headers['content-length']);
  const scanner = new JsonShapeScanner();
  const chunks: Buffer[] = [];
  let received = 0;
  const stop = (err: Error | null, text?: string) => {
    payload.removeListener('data', onData);
    payload.removeListener('end', onEnd);
    payload.removeListener('error', onEnd);
    done(err, text);
  };
  function onData(chunk: Buffer | string): void {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    received += bytes.length;
    if (received > limit) return refuse(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE());
    const problem = scanner.feed(bytes);
    if (problem) return refuse(invalid(SHAPE_MESSAGES[problem]));
    chunks.push(bytes);
  }
  function onEnd(err?: Error & { statusCode?: number }): void {
    if (err) {
      if (!(typeof err.statusCode === 'number' && err.statusCode >= 400)) err.statusCode = 400;
      return stop(err);
    }
    if (!Number.isNaN(contentLength) && received !== contentLength) {
      return stop(new errorCodes.FST_ERR_CTP_INVALID_CONTENT_LENGTH());
    }
    const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, received);
    stop(null, body.toString('utf8'));
  }
  if (contentLength > limit) return refuse(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE());
  payload.on('data', onData);
  payload.on('end', onEnd);
  payload.on('error', onEnd);
  payload.resume();
}
