import { IncomingMessage, Server, ServerResponse } from "node:http";

/**
 * Graceful shutdown of the HTTP server: stop accepting connections, let the requests already
 * in flight finish (each may be an acknowledged-after-commit write the client waits for), then
 * close what is left. `drain` never takes longer than its grace period.
 */
export class HttpDrain {
  private inFlight = 0;
  private draining = false;
  private idleWaiters: Array<() => void> = [];

  constructor(private readonly server: Server) {}

  get isDraining(): boolean {
    return this.draining;
  }

  /** Counts a request until its response is finished or its connection is gone. */
  track(_request: IncomingMessage, response: ServerResponse): void {
    this.inFlight += 1;
    // Keep-alive clients must not reuse a connection that is about to close.
    if (this.draining) response.setHeader("connection", "close");
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      this.inFlight -= 1;
      if (this.inFlight === 0) for (const wake of this.idleWaiters.splice(0)) wake();
    };
    response.once("finish", finish);
    response.once("close", finish);
  }

  /** Resolves once no request is in flight or `graceMs` has passed, then closes every connection. */
  async drain(graceMs: number): Promise<{ completed: boolean; abandoned: number }> {
    this.draining = true;
    const closed = new Promise<void>(resolve => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    let timer: NodeJS.Timeout | undefined;
    const completed = await new Promise<boolean>(resolve => {
      if (this.inFlight === 0) return resolve(true);
      this.idleWaiters.push(() => resolve(true));
      timer = setTimeout(() => resolve(false), graceMs);
    });
    clearTimeout(timer);
    const abandoned = this.inFlight;
    this.server.closeAllConnections();
    await closed;
    return { completed, abandoned };
  }
}
