// SCAFFOLD: replaced by the `tributary stress` command.
export async function stressCommand(_argv: string[]): Promise<number> {
  throw new Error('not built yet');
}
