// One AsyncAPI 3.0 document for the whole product, merged from each service's
// app: channels, operations and component messages are keyed by topic and
// agent names, which are unique across the services.
export function mergeAsyncApi(documents: Record<string, unknown>[]): Record<string, unknown> {
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};
  for (const d of documents) {
    Object.assign(channels, d.channels ?? {});
    Object.assign(operations, d.operations ?? {});
    Object.assign(messages, (d.components as { messages?: Record<string, unknown> } | undefined)?.messages ?? {});
  }
  const first = documents[0] ?? {};
  return {
    asyncapi: (first.asyncapi as string | undefined) ?? '3.0.0',
    info: { title: 'Tributary', version: '0.1.0', description: 'Topics, agents and tables of the five systems' },
    ...(first.servers ? { servers: first.servers } : {}),
    defaultContentType: 'application/json',
    channels,
    operations,
    components: { messages },
  };
}
