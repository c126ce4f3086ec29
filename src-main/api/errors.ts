/** Moved to schema/errors.ts (issue 9); kept so that existing imports keep working. */
export { ApiError, LiftwellError, type ApiErrorCode, type ApiErrorShape, type LiftwellErrorCode, type LiftwellErrorShape } from '../schema/errors';
