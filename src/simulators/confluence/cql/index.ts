/** CQL front end for the Confluence twin: parse, print, validate, resolve dates, match text, search. */
export * from "./ast.ts";
export * from "./dates.ts";
export * from "./errors.ts";
export * from "./evaluator.ts";
export * from "./fields.ts";
export * from "./indexes.ts";
export * from "./lexer.ts";
export * from "./parser.ts";
export * from "./planner.ts";
export * from "./printer.ts";
export * from "./reserved.ts";
export * from "./routes.ts";
export * from "./search.ts";
export * from "./shape.ts";
export * from "./text.ts";
export * from "./validate.ts";
