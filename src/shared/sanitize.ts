// One sanitiser for text from outside (server error messages, names, ids) before it reaches a
// terminal, a log line, Markdown or a CSV cell. Browser-safe: the webview may use it too.

// C0 controls (newlines and tabs included), DEL, C1 controls, and the Unicode line/paragraph
// separators and bidi controls that can reorder or hide what a terminal or editor shows.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]+/g;

/**
 * One line of plain text: every control character, line break and bidi control replaced by a
 * space, runs of spaces collapsed, the ends trimmed. Escaping for the target (Markdown, CSV, HTML)
 * is still the caller's job; this only guarantees a single visible line.
 */
export function sanitizeLine(text: string): string {
  return text.replace(UNSAFE, ' ').replace(/ {2,}/g, ' ').trim();
}

/** `sanitizeLine`, cut to `max` characters with an ellipsis. */
export function sanitizeShort(text: string, max = 200): string {
  const line = sanitizeLine(text);
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
