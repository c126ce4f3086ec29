/** Safe math expressions (no eval): parser, compiler, forward-mode derivatives. */
export { parseExpression, tokenize, formatExpression, ExpressionError, FUNCTIONS, CONSTANTS } from './parse';
export type { ExprNode, FunctionName, ParseOptions } from './parse';
export { compileExpression, CompiledExpression, foldConstants } from './compile';
