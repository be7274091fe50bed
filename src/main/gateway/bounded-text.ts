/**
 * Characters that would let a logged value act on the terminal or the page that shows it, or
 * make one line look like several: C0 and C1 controls and DEL (`\p{Cc}`: ESC starts ANSI
 * sequences, U+009B is a one-character CSI), the Unicode line and paragraph separators, and the
 * bidi controls that make text display in another order than it reads.
 */
const UNSAFE = /[\p{Cc}\p{Zl}\p{Zp}\p{Bidi_Control}]/u;
/** The same but the line feed: for text whose lines a person is meant to read as lines. */
const UNSAFE_BUT_LF = /(?!\n)[\p{Cc}\p{Zl}\p{Zp}\p{Bidi_Control}]/u;

const SHORT_ESCAPES: Record<string, string> = { "\t": "\\t", "\n": "\\n", "\r": "\\r" };

function escapeChar(char: string): string {
  const short = SHORT_ESCAPES[char];
  if (short) return short;
  const code = char.charCodeAt(0);
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, "0")}`
    : `\\u${code.toString(16).padStart(4, "0")}`;
}

/**
 * `value` as it may be written to a log: unsafe characters shown as visible escapes (`\x1b`,
 * `\u202e`), and at most `max` characters of it, a cut marked with how much is missing. A value
 * that needs neither comes back as it is, so the usual case costs one length check and one test.
 */
export function boundText(value: string, max: number): string {
  return bound(value, max, UNSAFE);
}

/** Like `boundText`, but line feeds stay: the text may span lines (a list of config problems). */
export function boundLines(value: string, max: number): string {
  return bound(value, max, UNSAFE_BUT_LF);
}

function bound(value: string, max: number, unsafe: RegExp): string {
  if (value.length <= max && !unsafe.test(value)) return value;
  let shown = "";
  let taken = 0;
  for (; taken < value.length; taken++) {
    const char = value[taken] as string;
    const piece = unsafe.test(char) ? escapeChar(char) : char;
    if (shown.length + piece.length > max) break;
    shown += piece;
  }
  if (taken === value.length) return shown;
  // A cut between the halves of a surrogate pair would leave half a character.
  if (/[\ud800-\udbff]$/.test(shown)) {
    shown = shown.slice(0, -1);
    taken--;
  }
  return `${shown}…[${value.length - taken} more characters]`;
}
