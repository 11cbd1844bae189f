// SCAFFOLD: replaced by the `tributary produce` command.
export async function produceCommand(_argv: string[]): Promise<number> {
  throw new Error('not built yet');
}
