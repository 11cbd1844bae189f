// SCAFFOLD: replaced by the `tributary worker` command.
export async function workerCommand(_argv: string[]): Promise<number> {
  throw new Error('not built yet');
}
