// bench/results.md holds the latest figures of the benches that write there,
// one section each between markers, so a bench rewrites its own section and
// leaves the others (and any text around them) as they are.
import fs from 'node:fs';
import path from 'node:path';

const FILE = path.join(import.meta.dirname, 'results.md');

/** Replaces (or appends) the section `name`: the command that printed it, when, and its output. */
export function writeResultsSection(name: string, command: string, text: string, file = FILE): void {
  const begin = `<!-- ${name}: begin -->`;
  const end = `<!-- ${name}: end -->`;
  const section = [begin, `\`${command}\`, ${new Date().toISOString()}:`, '', '```', text.trim(), '```', end].join('\n');
  const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '# Bench results\n';
  const from = current.indexOf(begin);
  const to = current.indexOf(end);
  const next = from >= 0 && to > from ? current.slice(0, from) + section + current.slice(to + end.length) : `${current.trimEnd()}\n\n${section}\n`;
  fs.writeFileSync(file, next);
}
