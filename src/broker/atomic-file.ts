// Replaces a small metadata file atomically (temp file, fsync, rename, then an
// fsync of the folder so the rename itself is durable), so a crash leaves the old
// or the new content, never half of one. The topic list, SCRAM credentials and
// ACLs are kept this way.
import fs from 'node:fs';
import path from 'node:path';

export function writeFileAtomically(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp`;
  const fd = fs.openSync(tmp, 'w', 0o600);
  try {
    fs.writeSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  const dirFd = fs.openSync(path.dirname(file), 'r');
  try {
    fs.fsyncSync(dirFd);
  } finally {
    fs.closeSync(dirFd);
  }
}
