// CPU time from /proc/self/stat, which has what Node's process.cpuUsage() does
// not: the time of the finished child processes this one waited for (cutime and
// cstime, counted down the whole tree of waited-for descendants).
import { readFileSync } from 'node:fs';

/** This process's CPU seconds (user + system) and its waited-for children's; undefined off Linux. */
export function cpuTimes() {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    // Fields 14–17 (utime, stime, cutime, cstime), counted after the command name's ')', in clock ticks (USER_HZ, 100).
    const [utime, stime, cutime, cstime] = stat.slice(stat.lastIndexOf(')') + 2).split(' ').slice(11, 15).map(Number);
    return { self: (utime + stime) / 100, children: (cutime + cstime) / 100 };
  } catch {
    return undefined;
  }
}
