// SCAFFOLD: replaced by the `tributary api` command.
export async function apiCommand(_argv: string[]): Promise<number> {
  throw new Error('not built yet');
}
