// SCAFFOLD: replaced by the `tributary state` command.
export async function stateCommand(_argv: string[]): Promise<number> {
  throw new Error('not built yet');
}
