// SCAFFOLD: replaced by the `tributary consume` command.
export async function consumeCommand(_argv: string[]): Promise<number> {
  throw new Error('not built yet');
}
