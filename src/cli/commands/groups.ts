// SCAFFOLD: replaced by the `tributary groups` command.
export async function groupsCommand(_argv: string[]): Promise<number> {
  throw new Error('not built yet');
}
