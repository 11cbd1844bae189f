// SCAFFOLD: replaced by the `tributary topics` command.
export async function topicsCommand(_argv: string[]): Promise<number> {
  throw new Error('not built yet');
}
