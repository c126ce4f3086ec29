/**
 * Per-connection backpressure for the browser-mode WebSocket (issue 14, finding 3). A client that
 * stops reading must not make the server hold unbounded replies, nor may a client that floods
 * requests make it run unbounded handlers. Per connection:
 *  - at most `maxInFlight` requests are being handled; past it the server stops reading the socket
 *    (TCP then pushes back on the client) until replies are done;
 *  - while more than `highWaterBytes` of output wait in the socket, reading also pauses and
 *    progress/preview events (superseded by the next ones) are dropped for this client;
 *  - past `closeAboveBytes` of queued output the connection is closed with code 4008 and a reason
 *    the client can show ("not reading its messages"), and its buffers are freed.
 */
import type { WebSocket } from 'ws';

export interface BackpressureLimits {
  maxInFlight: number;
  highWaterBytes: number;
  closeAboveBytes: number;
}

export const DEFAULT_BACKPRESSURE: BackpressureLimits = { maxInFlight: 32, highWaterBytes: 4 * 2 ** 20, closeAboveBytes: 64 * 2 ** 20 };

/** Close code for a client that let too much output queue up (4000-4999: application codes). */
export const CLOSE_NOT_READING = 4008;

export class ConnectionGate {
  private inFlight = 0;
  private paused = false;
  private closed = false;

  constructor(
    private readonly ws: WebSocket,
    private readonly limits: BackpressureLimits = DEFAULT_BACKPRESSURE,
  ) {
    ws.on('close', () => (this.closed = true));
  }

  /** A request arrived: counted until `end()`. */
  begin(): void {
    this.inFlight++;
    this.update();
  }

  end(): void {
    this.inFlight--;
    this.update();
  }

  /** True while this client's output is backed up: lossy events are skipped. */
  get congested(): boolean {
    return this.ws.bufferedAmount > this.limits.highWaterBytes;
  }

  /** Sends unless the connection is gone; closes it when too much output is already queued. */
  send(text: string): void {
    if (this.closed || this.ws.readyState !== this.ws.OPEN) return;
    if (this.ws.bufferedAmount + text.length > this.limits.closeAboveBytes) {
      this.closed = true;
      this.ws.close(CLOSE_NOT_READING, 'client is not reading its messages');
      // The close frame waits behind the queued output the client is not reading: drop it all.
      setTimeout(() => this.ws.terminate(), 1000).unref();
      return;
    }
    this.ws.send(text, () => this.update());
    this.update();
  }

  private update(): void {
    if (this.closed) return;
    const hold = this.inFlight >= this.limits.maxInFlight || this.ws.bufferedAmount > this.limits.highWaterBytes;
    if (hold && !this.paused) {
      this.paused = true;
      this.ws.pause();
    } else if (!hold && this.paused) {
      this.paused = false;
      this.ws.resume();
    }
  }
}
