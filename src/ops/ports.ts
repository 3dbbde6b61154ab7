import * as net from 'net';

/** A free TCP port on 127.0.0.1 (the OS picks it; the socket is closed before the caller binds it). */
export function freePortOnLoopback(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
