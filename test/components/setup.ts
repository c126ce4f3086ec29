// Unmounts what each component test rendered (the plugin's own auto-cleanup file cannot be
// resolved through the symlinked node_modules of a worktree).
import { cleanup } from '@testing-library/svelte';
import { afterEach } from 'vitest';

afterEach(() => cleanup());
