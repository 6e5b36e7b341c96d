/** CQL front end for the Confluence twin: parse, print, validate, resolve dates, match text. */
export * from "./ast.ts";
export * from "./dates.ts";
export * from "./errors.ts";
export * from "./fields.ts";
export * from "./lexer.ts";
export * from "./parser.ts";
export * from "./printer.ts";
export * from "./reserved.ts";
export * from "./text.ts";
export * from "./validate.ts";
