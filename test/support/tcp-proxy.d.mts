/** Types of tcp-proxy.mjs (plain JavaScript, so child scripts run by `node` can import it too). */
export interface TcpProxy {
  port: number;
  /**
   * "reset" (default): RST every socket and every new one. "close-cleanly": FIN instead, and new connections are
   * accepted then closed at once, so postgres.js sees a connection closed during its handshake (it reconnects).
   */
  cut(mode?: "reset" | "close-cleanly"): void;
  restore(): void;
  close(): Promise<void>;
}

export function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy>;
