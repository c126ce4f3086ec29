// Unmounts what each component test rendered (the plugin's own auto-cleanup file cannot be
// resolved through the symlinked node_modules of a worktree).
import { cleanup } from '@testing-library/svelte';
import { afterEach } from 'vitest';

afterEach(() => cleanup());

// jsdom has no ResizeObserver (Svelte's bind:clientWidth uses it): a no-op one, so figures
// mount (at width 0 they are simply not drawn).
class NoResizeObserver {
  observe(): void {}
  unobserve(): void {}
  disconnect(): void {}
}
globalThis.ResizeObserver ??= NoResizeObserver as unknown as typeof ResizeObserver;
