/** CQL front end for the Confluence twin: parse, print, validate, resolve dates, match text, search. */
export * from "./ast.ts";
export * from "./dates.ts";
export * from "./errors.ts";
export * from "./evaluator.ts";
export * from "./fields.ts";
export * from "./lexer.ts";
export * from "./parser.ts";
export * from "./printer.ts";
export * from "./routes.ts";
export * from "./search.ts";
export * from "./text.ts";
export * from "./validate.ts";
