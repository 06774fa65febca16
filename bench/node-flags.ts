import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The Node flags `npm start` runs the API with (package.json; the Dockerfile's CMD and the worker
 * use the same ones), so the bench measures the service as it is started by default.
 */
export function startFlags(): string[] {
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const m = pkg.scripts.start.match(/\bnode((?:\s+--[\w-]+(?:=\S+)?)*)\s+dist\/main\.js/);
  if (!m) throw new Error('package.json "start" does not run node … dist/main.js');
  return m[1].trim().split(/\s+/).filter(Boolean);
}
