// SCAFFOLD: replaced by the `tributary start` command.
export async function startCommand(_argv: string[]): Promise<number> {
  throw new Error('not built yet');
}
