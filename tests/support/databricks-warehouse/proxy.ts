import http from "node:http";
import net from "node:net";

/**
 * An HTTP CONNECT proxy on 127.0.0.1 that tunnels every allowed host, on any
 * port, to the warehouse's own HTTPS port. It exists for OAuth: the driver only
 * does OAuth for Databricks cloud host names and requests the OIDC discovery
 * URL without a port, so a test points the driver's `proxy` option here with a
 * host like `lakebook-test.cloud.databricks.com`, and no request leaves
 * 127.0.0.1. Hosts not in the list get 403.
 */
export async function startTunnelProxy(
  targetPort: number,
  allowedHosts: string[],
): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  };
  const server = http.createServer((_req, res) => {
    res.writeHead(405).end();
  });
  server.on("connect", (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    track(client);
    const host = (req.url ?? "").replace(/:\d+$/, "").toLowerCase();
    if (!allowedHosts.includes(host)) {
      client.end("HTTP/1.1 403 Forbidden\r\n\r\n");
      return;
    }
    const upstream = net.connect(targetPort, "127.0.0.1", () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    track(upstream);
    const destroyBoth = () => {
      upstream.destroy();
      client.destroy();
    };
    upstream.on("error", destroyBoth);
    client.on("error", destroyBoth);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address() as net.AddressInfo;
  return {
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
