// The shell blocks of a Markdown file, as the README test runs them. A block is
// fenced with the info string sh, bash, shell or console. The HTML comment on the
// line before the fence says how it is run:
//
//   (none)                                 run it
//   <!-- readme-test: skip (why) -->       not run: it needs another machine or is a synopsis
//   <!-- readme-test: system -->           its first command starts the system every other
//                                          block runs against
//   <!-- readme-test: server -->           its first command is a server started for this
//                                          block only; the block's other commands use it
//
// In a console block a line starting with `$ ` is a command (a line ending in `\`
// continues it) and the lines up to the next command are its output, compared by
// shape (./output-shape.ts). A sh/bash/shell block shows no output: it is one script,
// which must succeed and print nothing.
import fs from 'node:fs';

export type BlockMode = { kind: 'run' } | { kind: 'system' } | { kind: 'server' } | { kind: 'skip'; reason: string };

export interface BlockCommand {
  /** The command as written, continuation lines joined. */
  text: string;
  /** The output the README shows for it. */
  expected: string[];
}

export interface ShellBlock {
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  info: string;
  mode: BlockMode;
  commands: BlockCommand[];
}

const SHELL_INFO = new Set(['sh', 'bash', 'shell', 'console']);
const MARKER = /^<!--\s*readme-test:\s*(skip|system|server)\s*(?:\((.*)\))?\s*-->$/;

export class ReadmeMarkerError extends Error {
  readonly code = 'README_MARKER';
}

function modeOf(previous: string | undefined, where: string): BlockMode {
  const m = previous === undefined ? null : MARKER.exec(previous.trim());
  if (!m) {
    if (previous?.trim().startsWith('<!-- readme-test')) throw new ReadmeMarkerError(`${where}: unreadable marker ${previous.trim()}`);
    return { kind: 'run' };
  }
  if (m[1] === 'skip') {
    if (!m[2]?.trim()) throw new ReadmeMarkerError(`${where}: a skip marker names its reason: <!-- readme-test: skip (why) -->`);
    return { kind: 'skip', reason: m[2].trim() };
  }
  return { kind: m[1] as 'system' | 'server' };
}

function consoleCommands(body: string[]): BlockCommand[] {
  const commands: BlockCommand[] = [];
  let continuing = false;
  for (const line of body) {
    const current = commands.at(-1);
    if (continuing && current) {
      current.text += '\n' + line;
      continuing = line.endsWith('\\');
    } else if (line.startsWith('$ ')) {
      commands.push({ text: line.slice(2), expected: [] });
      continuing = line.endsWith('\\');
    } else if (current) {
      current.expected.push(line);
    }
  }
  for (const c of commands) {
    while (c.expected.length > 0 && c.expected.at(-1)!.trim() === '') c.expected.pop();
  }
  return commands;
}

/** The shell blocks of `file`, in order. */
export function shellBlocks(file: string, text = fs.readFileSync(file, 'utf8')): ShellBlock[] {
  const lines = text.split('\n');
  const blocks: ShellBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,})\s*([\w-]*)/.exec(lines[i]!);
    if (!open) continue;
    const fence = open[2]!;
    let end = i + 1;
    while (end < lines.length && !lines[end]!.trim().startsWith(fence)) end++;
    const info = open[3]!.toLowerCase();
    if (SHELL_INFO.has(info)) {
      let p = i - 1;
      while (p >= 0 && lines[p]!.trim() === '') p--;
      const where = `${file}:${i + 1}`;
      const body = lines.slice(i + 1, end);
      const mode = modeOf(p >= 0 ? lines[p] : undefined, where);
      const commands = info === 'console' ? consoleCommands(body) : [{ text: body.join('\n'), expected: [] }];
      if (commands.length === 0) throw new ReadmeMarkerError(`${where}: a console block with no \`$ \` command`);
      blocks.push({ file, line: i + 1, info, mode, commands });
    }
    i = end;
  }
  return blocks;
}

/** "README.md:123 `npx tributary topics list`", for test names and messages. */
export function blockName(block: ShellBlock): string {
  const first = block.commands[0]!.text.split('\n')[0]!;
  return `${block.file}:${block.line} \`${first.length > 70 ? first.slice(0, 69) + '…' : first}\``;
}
