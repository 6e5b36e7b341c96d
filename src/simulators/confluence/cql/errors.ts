/**
 * CQL errors. Every failure of the lexer, parser or validator is a CqlSyntaxError value with
 * the offset where it happened and what was expected there, so users can see why; the wire
 * answer stays the real service's terse 400 (`Could not parse cql : <cql>`).
 */

export type CqlErrorStage = "lex" | "parse" | "validate";

export class CqlSyntaxError extends Error {
  override readonly name = "CqlSyntaxError";
  /** 0-based offset into the CQL text. */
  readonly position: number;
  /** What would have been accepted at `position` (tokens, field names, value kinds). */
  readonly expected: readonly string[];
  readonly stage: CqlErrorStage;

  constructor(
    message: string,
    position: number,
    expected: readonly string[] = [],
    stage: CqlErrorStage = "parse",
  ) {
    super(message);
    this.position = position;
    this.expected = expected;
    this.stage = stage;
  }

  /** One line for journals and debug headers: `parse error at 12: expected ",", ")" — found "HR"`. */
  describe(): string {
    return `${this.stage} error at ${this.position}: ${this.message}`;
  }
}

/** The v1 body Confluence Cloud answers for any CQL it cannot parse or accept (status 400). */
export interface CqlBadRequestBody {
  statusCode: 400;
  data: { authorized: true; valid: true; errors: []; successful: true };
  message: string;
}

export function cqlBadRequestBody(cql: string): CqlBadRequestBody {
  return {
    statusCode: 400,
    data: { authorized: true, valid: true, errors: [], successful: true },
    message: `com.atlassian.confluence.api.service.exceptions.api.BadRequestException: Could not parse cql : ${cql}`,
  };
}

/** Quotes a token for messages: `"HR"`, or `end of input`. */
export function showToken(text: string | undefined): string {
  return text === undefined ? "end of input" : JSON.stringify(text);
}
