/** Moved to schema/limits.ts (issue 9: the params schemas there read it); kept for existing imports. */
export { LIMITS } from '../schema/limits';
