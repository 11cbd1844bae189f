// What the forms' text areas hold: `name=value`, one a line (headers, configs).
/** The pairs, or a message naming the line that has no `=`. */
export function parseLines(text: string): Record<string, string> | string {
  const out: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (!line) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) return `line ${i + 1} ("${line}") is not name=value`;
    out[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return out;
}
