// GET /docs: the API's title and every route, rendered on the server from the
// OpenAPI document, so the first paint (a browser without JavaScript, a
// screenshot that does not wait, curl) already shows what the API offers. The
// interactive Swagger UI loads below it; alone it is at /docs/ui/.

/** The parts of an OpenAPI 3 document the page shows. */
export interface OpenApiLike {
  info?: { title?: string; description?: string; version?: string };
  tags?: { name: string; description?: string }[];
  paths?: Record<string, Record<string, { summary?: string; description?: string; tags?: string[] } | undefined> | undefined>;
}

interface Row {
  method: string;
  path: string;
  summary: string;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'];

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The routes of the document by tag, in the document's tag order (untagged last, as "other"). */
export function routesByTag(doc: OpenApiLike): Map<string, Row[]> {
  const groups = new Map<string, Row[]>((doc.tags ?? []).map((t) => [t.name, []]));
  for (const [path, ops] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = ops?.[method];
      if (!op) continue;
      const tag = op.tags?.[0] ?? 'other';
      if (!groups.has(tag)) groups.set(tag, []);
      groups.get(tag)!.push({ method: method.toUpperCase(), path, summary: op.summary ?? op.description ?? '' });
    }
  }
  for (const [tag, rows] of groups) if (rows.length === 0) groups.delete(tag);
  return groups;
}

/**
 * The page. `base` is the relative way to /docs from the requested URL ("." for
 * /docs/, "./docs" for /docs), so the links work behind a proxy's path prefix.
 */
export function renderDocsPage(doc: OpenApiLike, base: string): string {
  const title = doc.info?.title ?? 'API';
  const tagInfo = new Map((doc.tags ?? []).map((t) => [t.name, t.description ?? '']));
  const sections = [...routesByTag(doc)].map(([tag, rows]) => {
    const items = rows
      .map((r) => `<tr><td class="m m-${r.method.toLowerCase()}">${r.method}</td><td><code>${escape(r.path)}</code></td><td>${escape(r.summary)}</td></tr>`)
      .join('\n');
    const about = tagInfo.get(tag) ? ` <small>${escape(tagInfo.get(tag)!)}</small>` : '';
    return `<section><h2>${escape(tag)}${about}</h2>\n<table>\n${items}\n</table></section>`;
  });
  const version = doc.info?.version ? ` <small>${escape(doc.info.version)}</small>` : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)} API</title>
<link rel="stylesheet" href="${base}/ui/static/swagger-ui.css">
<style>
  body { font-family: system-ui, sans-serif; margin: 0; color: #222; }
  #routes { max-width: 1100px; margin: 0 auto; padding: 1.5rem 1.25rem 0; }
  #routes h1 { margin: 0 0 .25rem; } #routes h2 { font-size: 1.1rem; margin: 1.25rem 0 .4rem; }
  #routes small { color: #666; font-weight: normal; } #routes table { border-collapse: collapse; width: 100%; }
  #routes td { padding: .2rem .6rem .2rem 0; vertical-align: top; } #routes .m { font-weight: bold; width: 4.5rem; }
  .m-get { color: #1b6ac9; } .m-post { color: #1a8a4a; } .m-put, .m-patch { color: #b26b00; } .m-delete { color: #c0392b; }
</style>
</head>
<body>
<main id="routes">
<h1>${escape(title)}${version}</h1>
${doc.info?.description ? `<p>${escape(doc.info.description)}</p>` : ''}
<p>The OpenAPI document: <a href="${base}/json">${base}/json</a>. Swagger UI alone: <a href="${base}/ui/">${base}/ui/</a>.</p>
${sections.join('\n')}
</main>
<div id="swagger-ui"></div>
<script src="${base}/ui/static/swagger-ui-bundle.js" charset="utf-8"></script>
<script>window.addEventListener('load', () => { window.ui = SwaggerUIBundle({ url: '${base}/json', dom_id: '#swagger-ui', deepLinking: true }); });</script>
</body>
</html>
`;
}
