// Locate the first syntax error in JSON text (Node 20's JSON.parse messages do not always
// give a position): a small recursive-descent scanner over RFC 8259 JSON.

export interface JsonErrorLocation {
  offset: number;
  line: number;
  column: number;
  message: string;
}

/** The first syntax error in `text`, or null if it is valid JSON. */
export function locateJsonError(text: string): JsonErrorLocation | null {
  let i = 0;
  const n = text.length;
  const fail = (message: string): never => {
    throw Object.assign(new Error(message), { offset: i });
  };
  const ws = () => { while (i < n && (text[i] === " " || text[i] === "\n" || text[i] === "\r" || text[i] === "\t")) i++; };
  const value = (): void => {
    ws();
    if (i >= n) fail("unexpected end of input");
    const c = text[i];
    if (c === "{") {
      i++; ws();
      if (text[i] === "}") { i++; return; }
      for (;;) {
        ws();
        if (text[i] !== '"') fail(`expected a string key, found ${show(text[i])}`);
        string();
        ws();
        if (text[i] !== ":") fail(`expected ':' after the key, found ${show(text[i])}`);
        i++;
        value();
        ws();
        if (text[i] === ",") { i++; continue; }
        if (text[i] === "}") { i++; return; }
        fail(`expected ',' or '}', found ${show(text[i])}`);
      }
    }
    if (c === "[") {
      i++; ws();
      if (text[i] === "]") { i++; return; }
      for (;;) {
        value();
        ws();
        if (text[i] === ",") { i++; continue; }
        if (text[i] === "]") { i++; return; }
        fail(`expected ',' or ']', found ${show(text[i])}`);
      }
    }
    if (c === '"') return string();
    if (c === "-" || (c >= "0" && c <= "9")) return number();
    for (const lit of ["true", "false", "null"]) if (text.startsWith(lit, i)) { i += lit.length; return; }
    if (text.startsWith("NaN", i) || text.startsWith("Infinity", i)) fail("NaN/Infinity are not valid JSON values");
    fail(`unexpected ${show(c)}`);
  };
  const string = () => {
    i++;
    while (i < n && text[i] !== '"') {
      if (text[i] === "\\") i++;
      else if (text.charCodeAt(i) < 0x20) fail("control character in a string");
      i++;
    }
    if (i >= n) fail("unterminated string");
    i++;
  };
  const number = () => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 64));
    if (!m) fail("malformed number");
    i += m![0].length;
  };
  try {
    value();
    ws();
    if (i < n) fail(`unexpected ${show(text[i])} after the end of the document`);
    return null;
  } catch (e) {
    const offset = (e as { offset?: number }).offset ?? i;
    const before = text.slice(0, offset);
    const line = before.split("\n").length;
    return { offset, line, column: offset - before.lastIndexOf("\n"), message: (e as Error).message };
  }
}

function show(c: string | undefined): string {
  return c === undefined ? "end of input" : JSON.stringify(c);
}
