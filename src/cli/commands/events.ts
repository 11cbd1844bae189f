// SCAFFOLD: replaced by the `tributary events` command.
export async function eventsCommand(_argv: string[]): Promise<number> {
  throw new Error('not built yet');
}
