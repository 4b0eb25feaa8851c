/**
 * The Swagger UI page: swagger-ui-dist's bundle (served under `/docs/`) pointed at the document.
 * `documentUrl` is a path of this gateway, never user input.
 */
export function docsPage(documentUrl: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>gcli2api API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script>window.ui = SwaggerUIBundle({ url: ${JSON.stringify(documentUrl)}, dom_id: '#swagger-ui' });</script>
</body>
</html>
`;
}
