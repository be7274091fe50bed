import { ParseError, TypeError as CelTypeError } from "@marcbachmann/cel-js";
import { RULE_VARIABLES } from "./environment";

export interface ExpressionProblem {
  message: string;
  offset?: number;
}

/** cel-js names tokens by their kind (RPAREN); a person reads them as written. */
const TOKEN_TEXT: Record<string, string> = {
  NUMBER: "a number",
  STRING: "a string",
  BYTES: "a bytes literal",
  BOOLEAN: "true or false",
  NULL: "null",
  IDENTIFIER: "a name",
  PLUS: "'+'",
  MINUS: "'-'",
  MULTIPLY: "'*'",
  DIVIDE: "'/'",
  MODULO: "'%'",
  EQ: "'=='",
  NE: "'!='",
  LT: "'<'",
  LE: "'<='",
  GT: "'>'",
  GE: "'>='",
  AND: "'&&'",
  OR: "'||'",
  NOT: "'!'",
  IN: "'in'",
  LPAREN: "'('",
  RPAREN: "')'",
  LBRACKET: "'['",
  RBRACKET: "']'",
  LBRACE: "'{'",
  RBRACE: "'}'",
  DOT: "'.'",
  COMMA: "','",
  COLON: "':'",
  QUESTION: "'?'",
};

function token(kind: string): string {
  if (kind === "EOF") return "end of expression";
  const text = Object.hasOwn(TOKEN_TEXT, kind) ? TOKEN_TEXT[kind] : `'${kind}'`;
  return `token ${text}`;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

function describeSyntax(summary: string): string {
  // "Unexpected token: RPAREN", "Unexpected character: ')'", "Unexpected character: ="
  const unexpected = /^Unexpected (?:token|character): '?(.+?)'?$/.exec(summary);
  if (unexpected) return `unexpected ${token(unexpected[1] as string)}`;
  const expected = /^Expected (\w+), got (\w+)$/.exec(summary);
  if (expected)
    return `expected ${token(expected[1] as string)}, found ${token(expected[2] as string)}`;
  return lowerFirst(summary);
}

/** A cel-js parse or type error as a message for the person who wrote the rule. */
export function describeCelError(error: unknown): ExpressionProblem {
  if (error instanceof ParseError) {
    const offset = error.range?.start;
    const at = offset === undefined ? "" : ` at ${offset}`;
    return { message: `syntax error: ${describeSyntax(error.summary)}${at}`, offset };
  }
  if (error instanceof CelTypeError) {
    const offset = error.range?.start;
    const unknown = /^Unknown variable: (.+)$/.exec(error.summary);
    if (unknown) {
      const known = RULE_VARIABLES.join(", ");
      return { message: `unknown variable '${unknown[1]}' (rules see ${known})`, offset };
    }
    // Our own messages (matches() patterns) already say what is wrong.
    if (error.code === "invalid_pattern") return { message: error.summary, offset };
    return { message: `type error: ${lowerFirst(error.summary)}`, offset };
  }
  return { message: String(error) };
}
