import {
  type Client,
  type ClientReadableStream,
  type Metadata,
  type ServiceError,
  status as Status,
  type StatusObject,
} from '@grpc/grpc-js';
import { decodeMessage } from './codec';
import type { ResolvedMethod } from './descriptors';

export interface CallParams {
  client: Client;
  method: ResolvedMethod;
  /** Encoded request messages: exactly one unless the method is client-streaming or bidi. */
  requests: Buffer[];
  metadata: Metadata;
  /** Epoch ms; covers every retry attempt. See `deadlineAfter`. */
  deadline: number | undefined;
  signal: AbortSignal | undefined;
  /** Each response message as it arrives (raw bytes; `exchange` decodes them). */
  onMessage: (bytes: Buffer) => void;
}

export interface CallStatus {
  code: number;
  details: string;
  headers: Metadata | undefined;
  trailers: Metadata | undefined;
  /** The call was cancelled because `signal` aborted. */
  aborted: boolean;
}

const identity = (b: Buffer): Buffer => b;

interface Surface {
  on(event: 'metadata', listener: (md: Metadata) => void): unknown;
  on(event: 'status', listener: (status: StatusObject) => void): unknown;
  cancel(): void;
}

/**
 * One call of any of the four kinds, on raw bytes (the codec runs outside grpc-js, so a bad request
 * is refused before anything is sent). Settles once the final status arrives, also after `signal`
 * aborted (the call is cancelled: the server sees CANCELLED).
 */
export function invoke(p: CallParams): Promise<CallStatus> {
  return new Promise<CallStatus>((resolve) => {
    const { client, method, metadata, signal, onMessage } = p;
    const options = p.deadline === undefined ? {} : { deadline: p.deadline };
    let headers: Metadata | undefined;
    let aborted = false;
    let call: Surface;
    /** A readable stream may still hold messages when the status arrives: finish once it has ended. */
    let drained: Promise<void> | undefined;

    if (!method.requestStream && !method.responseStream) {
      call = client.makeUnaryRequest(
        method.path,
        identity,
        identity,
        p.requests[0] as Buffer,
        metadata,
        options,
        (_error: ServiceError | null, value?: Buffer) => {
          if (value) onMessage(value);
        },
      );
    } else if (method.requestStream && !method.responseStream) {
      const writable = client.makeClientStreamRequest(
        method.path,
        identity,
        identity,
        metadata,
        options,
        (_error: ServiceError | null, value?: Buffer) => {
          if (value) onMessage(value);
        },
      );
      writable.on('error', () => {}); // the status event reports it
      for (const request of p.requests) writable.write(request);
      writable.end();
      call = writable;
    } else {
      let readable: ClientReadableStream<Buffer>;
      if (method.requestStream) {
        const duplex = client.makeBidiStreamRequest<Buffer, Buffer>(
          method.path,
          identity,
          identity,
          metadata,
          options,
        );
        for (const request of p.requests) duplex.write(request);
        duplex.end();
        readable = duplex;
      } else {
        const first = p.requests[0] as Buffer;
        readable = client.makeServerStreamRequest(method.path, identity, identity, first, metadata, options);
      }
      readable.on('data', onMessage);
      readable.on('error', () => {}); // the status event reports it
      drained = new Promise((done) => {
        readable.once('end', done);
        readable.once('close', done);
      });
      call = readable;
    }

    const onAbort = () => {
      aborted = true;
      call.cancel();
    };
    call.on('metadata', (md) => {
      headers = md;
    });
    call.on('status', (status) => {
      signal?.removeEventListener('abort', onAbort);
      const outcome = {
        code: status.code,
        details: status.details,
        headers,
        trailers: status.metadata,
        aborted,
      };
      if (drained) drained.then(() => resolve(outcome));
      else resolve(outcome);
    });
    if (signal) {
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    }
  });
}

/** What a call brought back: its final status and the decoded response messages. */
export interface Exchange {
  status: CallStatus;
  responses: Record<string, unknown>[];
}

/**
 * `invoke` with the responses decoded as they arrive (`onResponse` sees each one); a response that does
 * not decode turns an OK status into INTERNAL.
 */
export async function exchange(
  p: Omit<CallParams, 'onMessage'> & { onResponse: ((message: Record<string, unknown>) => void) | undefined },
): Promise<Exchange> {
  const type = p.method.responseType;
  const responses: Record<string, unknown>[] = [];
  let decodeError: Error | undefined;
  const status = await invoke({
    ...p,
    onMessage: (bytes) => {
      let message: Record<string, unknown>;
      try {
        message = decodeMessage(type, bytes);
      } catch (error) {
        decodeError ??= error as Error;
        return;
      }
      responses.push(message);
      p.onResponse?.(message);
    },
  });
  if (decodeError && status.code === Status.OK) {
    status.code = Status.INTERNAL;
    status.details = `could not decode a ${type.fullName.slice(1)}: ${decodeError.message}`;
  }
  return { status, responses };
}
