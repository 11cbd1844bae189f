// The loggers of the long-running commands and of `tributary start`'s threads:
// pino lines written synchronously to stdout, so every thread's lines and the
// start banner (written by the main thread once the threads said they are
// ready) reach the terminal in the order they were written: no asynchronous
// buffer (pino's default) or worker-thread stdout relay (Node's) can hold a start-up
// line back behind the banner. On a terminal a line is one readable line
// (`12:00:01.123 INFO  broker: broker listening address=…`); elsewhere it is
// pino's JSON, one object a line, for log collectors and the crash suites.
import pino, { type DestinationStream, type Logger } from 'pino';

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
/** pino's own fields, shown in the line's head rather than as key=value. */
const HEAD = new Set(['level', 'time', 'pid', 'hostname', 'name', 'msg']);

/** One pino JSON line as a terminal line. */
export function prettyLine(json: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json;
  }
  const time = typeof entry.time === 'number' ? new Date(entry.time).toISOString().slice(11, 23) : '';
  const level = (LEVELS[entry.level as number] ?? String(entry.level)).padEnd(5);
  const rest = Object.entries(entry)
    .filter(([k]) => !HEAD.has(k))
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return `${time} ${level} ${entry.name ? `${String(entry.name)}: ` : ''}${String(entry.msg ?? '')}${rest.length ? ` ${rest.join(' ')}` : ''}\n`;
}

/** Whether lines are shown as text: stdout is a terminal (a thread is told by the main thread). */
export function prettyLogs(): boolean {
  return process.stdout.isTTY === true;
}

/** A synchronous stdout sink (pino's, which retries a write the terminal is not ready for): JSON lines, or text ones when `pretty`. */
function stdoutSink(pretty: boolean): DestinationStream {
  const sink = pino.destination({ dest: 1, sync: true });
  return pretty ? { write: (line: string) => void sink.write(prettyLine(line)) } : sink;
}

export function stdoutLogger(name: string, level: string, pretty = prettyLogs()): Logger {
  return pino({ name, level }, stdoutSink(pretty));
}
