// Replaces a small metadata file atomically (temp file, fsync, rename), so a crash
// leaves the old or the new content, never half of one. SCRAM credentials and ACLs
// are kept this way.
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
}
