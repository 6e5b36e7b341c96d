import pc from "picocolors";
import { LoadError } from "../fixture-formats/errors.ts";

/** A mistake in how the CLI was called; printed as-is. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** Errors print as one readable message; stack traces only with --debug. */
export function printError(error: unknown, debug: boolean): void {
  if (debug && error instanceof Error && error.stack) {
    process.stderr.write(`${error.stack}\n`);
    return;
  }
  if (error instanceof LoadError) {
    process.stderr.write(`${pc.red("error")}: cannot load\n${error.message}\n`);
    return;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`${pc.red("error")}: ${message}\n`);
  if (!(error instanceof UsageError) && !(error instanceof LoadError)) {
    process.stderr.write(pc.dim("(run with --debug for a stack trace)\n"));
  }
}

export function parseIntOption(name: string) {
  return (value: string): number => {
    if (!/^\d+$/.test(value)) throw new UsageError(`${name} must be a non-negative integer, got "${value}"`);
    return Number(value);
  };
}
