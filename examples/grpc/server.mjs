// A tiny gRPC server for the example: demo.Greeter with server reflection (so works need no .proto).
// `node server.mjs` listens on 127.0.0.1:50051 (or $PORT) until Ctrl-C; run.mjs imports startServer().
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';

const PROTO = fileURLToPath(new URL('./protos/greeter.proto', import.meta.url));

/** Starts the server on 127.0.0.1:`port` (0: any free port); resolves with the port and a `close()`. */
export async function startServer(port = 0) {
  const definition = protoLoader.loadSync(PROTO, { keepCase: true, defaults: true });
  const { demo } = grpc.loadPackageDefinition(definition);
  const server = new grpc.Server();
  server.addService(demo.Greeter.service, {
    SayHello: (call, callback) => {
      const message = `Hello, ${call.request.name || 'stranger'}!`;
      callback(null, { message, length: message.length });
    },
    Countdown: (call) => {
      let remaining = call.request.from;
      const tick = () => {
        if (call.cancelled) return;
        call.write({ remaining, label: remaining === 0 ? 'liftoff' : `T-${remaining}` });
        if (remaining-- === 0) return call.end();
        setTimeout(tick, call.request.interval_ms);
      };
      tick();
    },
  });
  new ReflectionService(definition).addToServer(server);
  const bound = await new Promise((resolve, reject) =>
    server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (error, p) =>
      error ? reject(error) : resolve(p),
    ),
  );
  return {
    port: bound,
    close: () => new Promise((resolve) => server.tryShutdown(() => resolve())),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { port, close } = await startServer(Number(process.env.PORT ?? 50051));
  console.log(`demo.Greeter listening on 127.0.0.1:${port} (with reflection); Ctrl-C to stop`);
  process.once('SIGINT', () => close().then(() => process.exit(0)));
  process.once('SIGTERM', () => close().then(() => process.exit(0)));
}
