/** Free loopback ports, and starting a server again on new ones when another process took them first. */
import { createServer } from 'node:net';
import { ServiceError } from './errors.ts';

export const LOOPBACK = '127.0.0.1';
const BIND_ATTEMPTS = 5;
const BIND_ERROR = /address already in use|could not bind|could not create any TCP\/IP sockets|failed listening on port/i;

const portsHandedOut = new Set<number>();

/** A port nobody listens on now; never the same one twice in this process. */
export async function freePort(): Promise<number> {
  for (let i = 0; i < 100; i++) {
    const port = await new Promise<number>((resolvePort, reject) => {
      const server = createServer();
      server.unref();
      server.once('error', reject);
      server.listen(0, LOOPBACK, () => {
        const address = server.address();
        const found = typeof address === 'object' && address !== null ? address.port : 0;
        server.close(() => {
          resolvePort(found);
        });
      });
    });
    if (port > 0 && !portsHandedOut.has(port)) {
      portsHandedOut.add(port);
      return port;
    }
  }
  throw new Error('could not find a free port on 127.0.0.1');
}

/** A server lost a port to another process between freePort() and its bind: worth another try on new ports. */
class PortTakenError extends ServiceError {}

/** The failure of one start attempt; one that is retried when the server's log says its port was taken. */
export function startFailure(service: string, message: string, log: string): ServiceError {
  return BIND_ERROR.test(log) ? new PortTakenError(service, message) : new ServiceError(service, message);
}

/** Runs `attempt` (which picks its ports with freePort()) again while it fails because a port was taken. */
export async function onFreePorts<T>(attempt: () => Promise<T>): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (err) {
      if (!(err instanceof PortTakenError) || n >= BIND_ATTEMPTS) throw err;
    }
  }
}
