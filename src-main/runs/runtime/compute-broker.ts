/**
 * Main-thread broker between compute providers (GPU compute pages, reached through the API) and
 * the worker-thread tasks that own 'train' runs on device 'webgpu' (compute-task.ts, reached over
 * a BroadcastChannel). The job manager keeps owning the run: status, progress events, cancel (it
 * terminates the task's thread; the broker notices on the provider's next report, which is told
 * to stop). The broker only matches offers with providers and relays.
 *
 * Liveness: a provider is alive while a claim of it is pending or within `providerTimeoutMs` of its
 * last call. A provider that goes silent loses its task ('lost' to the task: fall back or fail); an
 * offer nobody claims within `providerTimeoutMs` while no usable provider is alive is lost too.
 */
import { BroadcastChannel } from 'node:worker_threads';
import { randomBytes } from 'node:crypto';
import { ApiError } from '../../schema/errors';
import {
  COMPUTE_CHANNEL,
  isSoftwareAdapter,
  type AdapterInfo,
  type ComputeProgress,
  type ComputeTaskPayload,
  type FromBroker,
  type ToBroker,
  type WireArtifacts,
  type WireCheckpoint,
} from './compute-protocol';

export interface ProviderRecord {
  providerId: string;
  kind: 'webgpu';
  adapter: AdapterInfo;
  software: boolean;
  /** False when the provider's self-test failed (reason says why): it is listed but gets no task. */
  usable: boolean;
  reason: string | null;
  registered: number;
  lastSeen: number;
  /** Claims waiting for a task (long-poll). */
  waiting: number;
}

interface Offer {
  taskId: string;
  projectPath: string;
  runId: string;
  payload: ComputeTaskPayload;
  offered: number;
  providerId: string | null;
}

export interface ComputeBrokerOptions {
  /** Whether the job manager still runs this run (false after cancel / failure). */
  isRunActive(projectPath: string, runId: string): boolean;
  providerTimeoutMs?: number;
  /** Channel name (tests use their own so parallel suites do not hear each other). */
  channelName?: string;
  now?: () => number;
}

export type DeviceChoice = { device: 'webgpu' | 'worker'; reason: string };

export class ComputeBroker {
  readonly providerTimeoutMs: number;
  private readonly providers = new Map<string, ProviderRecord>();
  private readonly offers = new Map<string, Offer>();
  private readonly waiters: { providerId: string; resolve: (offer: Offer | null) => void }[] = [];
  private readonly channel: BroadcastChannel;
  private readonly sweepTimer: ReturnType<typeof setInterval>;
  private readonly now: () => number;
  private closed = false;

  constructor(private readonly opts: ComputeBrokerOptions) {
    this.providerTimeoutMs = opts.providerTimeoutMs ?? Number(process.env.LIFTWELL_COMPUTE_TIMEOUT_MS ?? 30_000);
    this.now = opts.now ?? (() => Date.now());
    this.channel = new BroadcastChannel(opts.channelName ?? COMPUTE_CHANNEL);
    this.channel.unref();
    this.channel.onmessage = (event) => this.onTaskMessage((event as { data: ToBroker }).data);
    this.sweepTimer = setInterval(() => this.sweep(), Math.min(1000, this.providerTimeoutMs / 2));
    this.sweepTimer.unref();
  }

  register(kind: 'webgpu', adapter: AdapterInfo, selfTest: { ok: boolean; message?: string }): ProviderRecord {
    const t = this.now();
    const record: ProviderRecord = {
      providerId: `gpu-${randomBytes(6).toString('hex')}`,
      kind,
      adapter,
      software: isSoftwareAdapter(adapter),
      usable: selfTest.ok,
      reason: selfTest.ok ? null : (selfTest.message ?? 'its self-test failed'),
      registered: t,
      lastSeen: t,
      waiting: 0,
    };
    this.providers.set(record.providerId, record);
    this.pump();
    return { ...record };
  }

  list(): ProviderRecord[] {
    return [...this.providers.values()].map((p) => ({ ...p }));
  }

  /** Where a training run with this `device` request goes (throws ApiError when it cannot go there). */
  chooseDevice(device: 'auto' | 'cpu' | 'webgpu'): DeviceChoice {
    if (device === 'cpu') return { device: 'worker', reason: 'cpu requested' };
    const alive = this.list();
    const usable = alive.filter((p) => p.usable);
    if (device === 'webgpu') {
      if (usable.length) return { device: 'webgpu', reason: `WebGPU provider ${describe(usable[0])}` };
      if (alive.length) {
        throw new ApiError('conflict', `device: the WebGPU compute page cannot train: ${alive.map((p) => `${describe(p)}: ${p.reason}`).join('; ')}. Use device "cpu" or "auto".`);
      }
      throw new ApiError('conflict', 'device: no WebGPU compute page is connected. In the desktop app it starts with the app when the system has a WebGPU adapter; in browser mode open /compute.html?token=... in a tab (same token). Or use device "cpu" or "auto".');
    }
    const hardware = usable.find((p) => !p.software);
    if (hardware) return { device: 'webgpu', reason: `WebGPU provider ${describe(hardware)}` };
    return {
      device: 'worker',
      reason: usable.length ? `only software WebGPU adapters (${usable.map(describe).join(', ')}): the worker thread is as fast` : 'no usable WebGPU compute page',
    };
  }

  /** Long-poll: the next offer for this provider, or null after `waitMs`. */
  claim(providerId: string, waitMs: number): Promise<ComputeTaskPayload | null> {
    const provider = this.requireProvider(providerId);
    provider.lastSeen = this.now();
    if (!provider.usable) return Promise.resolve(null);
    const ready = this.nextOffer();
    if (ready) return Promise.resolve(this.assign(ready, provider));
    return new Promise((resolve) => {
      provider.waiting++;
      const waiter = {
        providerId,
        resolve: (offer: Offer | null) => {
          clearTimeout(timer);
          provider.waiting--;
          provider.lastSeen = this.now();
          resolve(offer ? this.assign(offer, provider) : null);
        },
      };
      const timer = setTimeout(() => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        waiter.resolve(null);
      }, waitMs);
      this.waiters.push(waiter);
    });
  }

  /** A provider's progress (and optional checkpoint); `cancel: true` tells it to stop. */
  progress(taskId: string, progress: ComputeProgress, checkpoint: WireCheckpoint | null): { cancel: boolean } {
    const offer = this.ownedOffer(taskId);
    if (!offer) return { cancel: true };
    if (checkpoint) this.send({ type: 'checkpoint', taskId, progress, checkpoint });
    else this.send({ type: 'progress', taskId, progress });
    return { cancel: false };
  }

  complete(taskId: string, progress: ComputeProgress, artifacts: WireArtifacts): void {
    const offer = this.ownedOffer(taskId);
    if (!offer) throw new ApiError('conflict', `taskId: ${taskId} is no longer running (cancelled, or its run stopped).`);
    this.offers.delete(taskId);
    this.send({ type: 'complete', taskId, progress, artifacts });
  }

  fail(taskId: string, message: string): void {
    const offer = this.ownedOffer(taskId);
    if (!offer) return;
    this.offers.delete(taskId);
    this.send({ type: 'failed', taskId, message });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.sweepTimer);
    for (const w of this.waiters.splice(0)) w.resolve(null);
    this.channel.close();
  }

  // ------------------------------------------------------------ internals

  private requireProvider(providerId: string): ProviderRecord {
    const p = this.providers.get(providerId);
    if (!p) throw new ApiError('not-found', `providerId: ${providerId} is not registered (it timed out or the app restarted); register again.`);
    return p;
  }

  /** The offer, touched as a heartbeat of its provider, while its run is still active. */
  private ownedOffer(taskId: string): Offer | null {
    const offer = this.offers.get(taskId);
    if (!offer) return null;
    if (offer.providerId) {
      const p = this.providers.get(offer.providerId);
      if (p) p.lastSeen = this.now();
    }
    if (!this.opts.isRunActive(offer.projectPath, offer.runId)) {
      this.offers.delete(taskId);
      return null;
    }
    return offer;
  }

  private nextOffer(): Offer | null {
    for (const offer of this.offers.values()) {
      if (offer.providerId !== null) continue;
      if (!this.opts.isRunActive(offer.projectPath, offer.runId)) {
        this.offers.delete(offer.taskId);
        continue;
      }
      return offer;
    }
    return null;
  }

  private assign(offer: Offer, provider: ProviderRecord): ComputeTaskPayload {
    offer.providerId = provider.providerId;
    this.send({ type: 'claimed', taskId: offer.taskId, providerId: provider.providerId, adapter: provider.adapter });
    return offer.payload;
  }

  private pump(): void {
    while (this.waiters.length) {
      const offer = this.nextOffer();
      if (!offer) return;
      const waiter = this.waiters.shift()!;
      offer.providerId = waiter.providerId; // reserved before the (synchronous) resolve assigns it
      waiter.resolve(offer);
    }
  }

  private onTaskMessage(m: ToBroker): void {
    if (this.closed || !m || typeof m !== 'object') return;
    if (m.type === 'offer') {
      this.offers.set(m.taskId, { taskId: m.taskId, projectPath: m.projectPath, runId: m.runId, payload: m.payload, offered: this.now(), providerId: null });
      this.pump();
    } else if (m.type === 'withdraw') {
      this.offers.delete(m.taskId);
    }
  }

  private sweep(): void {
    const t = this.now();
    for (const p of this.providers.values()) {
      if (p.waiting === 0 && t - p.lastSeen > this.providerTimeoutMs) this.dropProvider(p, `the WebGPU compute page (${describe(p)}) stopped answering for ${Math.round((t - p.lastSeen) / 1000)} s`);
    }
    const anyUsable = [...this.providers.values()].some((p) => p.usable);
    for (const offer of [...this.offers.values()]) {
      if (!this.opts.isRunActive(offer.projectPath, offer.runId)) {
        this.offers.delete(offer.taskId);
      } else if (offer.providerId === null && !anyUsable && t - offer.offered > this.providerTimeoutMs) {
        this.offers.delete(offer.taskId);
        this.send({ type: 'lost', taskId: offer.taskId, message: `no WebGPU compute page took the task within ${Math.round(this.providerTimeoutMs / 1000)} s` });
      }
    }
  }

  private dropProvider(p: ProviderRecord, message: string): void {
    this.providers.delete(p.providerId);
    for (const offer of [...this.offers.values()]) {
      if (offer.providerId !== p.providerId) continue;
      this.offers.delete(offer.taskId);
      this.send({ type: 'lost', taskId: offer.taskId, message });
    }
  }

  private send(m: FromBroker): void {
    if (!this.closed) this.channel.postMessage(m);
  }
}

function describe(p: Pick<ProviderRecord, 'adapter' | 'software'>): string {
  const a = p.adapter;
  const name = [a.vendor, a.architecture, a.description].filter(Boolean).join(' ') || 'unknown adapter';
  return `${name}${p.software ? ' (software)' : ''}`;
}
