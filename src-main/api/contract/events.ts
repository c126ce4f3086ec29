/** The one typed event stream (defined in schema/events.ts: runs/runtime emits it too). */
export type { ApiEvent } from '../../schema/events';
