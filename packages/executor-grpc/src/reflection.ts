import { type Client, type ClientDuplexStream, type Metadata, status } from '@grpc/grpc-js';
import { Root, type Type } from 'protobufjs';

/** The messages of grpc.reflection.v1(alpha) we use; the two versions share them. */
const reflectionRoot = Root.fromJSON({
  nested: {
    Request: {
      fields: {
        host: { type: 'string', id: 1 },
        file_by_filename: { type: 'string', id: 3 },
        file_containing_symbol: { type: 'string', id: 4 },
        list_services: { type: 'string', id: 7 },
      },
      oneofs: { message_request: { oneof: ['file_by_filename', 'file_containing_symbol', 'list_services'] } },
    },
    Response: {
      fields: {
        file_descriptor_response: { type: 'FileDescriptorResponse', id: 4 },
        list_services_response: { type: 'ListServiceResponse', id: 6 },
        error_response: { type: 'ErrorResponse', id: 7 },
      },
    },
    FileDescriptorResponse: { fields: { file_descriptor_proto: { rule: 'repeated', type: 'bytes', id: 1 } } },
    ListServiceResponse: { fields: { service: { rule: 'repeated', type: 'ServiceResponse', id: 1 } } },
    ServiceResponse: { fields: { name: { type: 'string', id: 1 } } },
    ErrorResponse: {
      fields: { error_code: { type: 'int32', id: 1 }, error_message: { type: 'string', id: 2 } },
    },
    // enough of FileDescriptorProto / FileDescriptorSet to follow imports and re-frame files
    FileHead: {
      fields: { name: { type: 'string', id: 1 }, dependency: { rule: 'repeated', type: 'string', id: 3 } },
    },
    FileSet: { fields: { file: { rule: 'repeated', type: 'bytes', id: 1 } } },
  },
});
const RequestType = reflectionRoot.lookupType('Request');
const ResponseType = reflectionRoot.lookupType('Response');
export const FileHead: Type = reflectionRoot.lookupType('FileHead');
export const FileSet: Type = reflectionRoot.lookupType('FileSet');

export type ReflectionRequest =
  | { file_by_filename: string }
  | { file_containing_symbol: string }
  | { list_services: string };

interface ReflectionResponse {
  file_descriptor_response?: { file_descriptor_proto: Uint8Array[] };
  list_services_response?: { service: { name: string }[] };
  error_response?: { error_code: number; error_message: string };
}

export const REFLECTION_METHODS = [
  '/grpc.reflection.v1.ServerReflection/ServerReflectionInfo',
  '/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo',
] as const;

export class ReflectionFailure extends Error {
  constructor(
    message: string,
    readonly code: number,
  ) {
    super(message);
  }
}

/** The work's signal aborted while reflecting. */
export class ReflectionAborted extends Error {
  constructor() {
    super('reflection cancelled');
  }
}

/** One ServerReflectionInfo stream: requests are answered in order. */
export class ReflectionStream {
  readonly #call: ClientDuplexStream<Buffer, Buffer>;
  readonly #pending: { resolve: (r: ReflectionResponse) => void; reject: (e: Error) => void }[] = [];
  #failure: Error | undefined;

  readonly #signal: AbortSignal | undefined;
  readonly #onAbort = (): void => {
    this.#fail(new ReflectionAborted());
    this.#call.cancel();
  };

  constructor(client: Client, method: string, metadata: Metadata, deadline: number, signal?: AbortSignal) {
    this.#call = client.makeBidiStreamRequest<Buffer, Buffer>(
      method,
      (b) => b,
      (b) => b,
      metadata,
      { deadline },
    );
    this.#call.on('data', (data: Buffer) => {
      const next = this.#pending.shift();
      next?.resolve(ResponseType.toObject(ResponseType.decode(data), { arrays: true }) as ReflectionResponse);
    });
    this.#call.on('error', (error: Error & { code?: number; details?: string }) => {
      this.#fail(new ReflectionFailure(error.details ?? error.message, error.code ?? status.UNKNOWN));
    });
    this.#call.on('end', () => this.#fail(new ReflectionFailure('reflection stream ended', status.UNKNOWN)));
    this.#signal = signal;
    if (signal?.aborted) this.#onAbort();
    else signal?.addEventListener('abort', this.#onAbort, { once: true });
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    for (const p of this.#pending.splice(0)) p.reject(this.#failure);
  }

  #ask(request: ReflectionRequest): Promise<ReflectionResponse> {
    if (this.#failure) return Promise.reject(this.#failure);
    return new Promise((resolve, reject) => {
      this.#pending.push({ resolve, reject });
      this.#call.write(Buffer.from(RequestType.encode(RequestType.fromObject(request)).finish()));
    });
  }

  /** Encoded FileDescriptorProtos for a request (a file and possibly some of its imports). */
  async files(request: ReflectionRequest): Promise<Uint8Array[]> {
    const response = await this.#ask(request);
    if (response.error_response) {
      const { error_code, error_message } = response.error_response;
      throw new ReflectionFailure(error_message || 'reflection error', error_code);
    }
    return response.file_descriptor_response?.file_descriptor_proto ?? [];
  }

  async services(): Promise<string[]> {
    const response = await this.#ask({ list_services: '*' });
    if (response.error_response) {
      const { error_code, error_message } = response.error_response;
      throw new ReflectionFailure(error_message || 'reflection error', error_code);
    }
    return (response.list_services_response?.service ?? []).map((s) => s.name);
  }

  close(): void {
    this.#signal?.removeEventListener('abort', this.#onAbort);
    this.#call.end();
    this.#call.cancel();
  }
}
