import { builtinModules } from 'node:module';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/**
 * A migration is history: what it does must not change when the app's code does. So every file in
 * src/database/migrations/ imports only packages and files of that folder (never src/statistics,
 * src/complaints, …, not even through tsconfig's baseUrl).
 */
const FOLDER = resolve(__dirname, '../../src/database/migrations');

/** Every module specifier of a TypeScript source: import/export … from, bare import, require(), import(). */
function specifiersOf(source: string): string[] {
  const found: string[] = [];
  const patterns = [/\bfrom\s+['"]([^'"]+)['"]/g, /\bimport\s+['"]([^'"]+)['"]/g, /\brequire\(\s*['"]([^'"]+)['"]\s*\)/g, /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g];
  for (const re of patterns) for (const m of source.matchAll(re)) found.push(m[1]);
  return found;
}

/** Why `spec`, imported from a file in `folder`, reaches outside it; null when it does not. */
function outsideImport(spec: string, folder: string): string | null {
  if (spec.startsWith('.') || spec.startsWith('/')) {
    const target = resolve(folder, spec);
    return target === folder || target.startsWith(folder + sep) ? null : `${spec} resolves to ${relative(resolve(folder, '../../..'), target)}`;
  }
  if (spec.startsWith('node:') || builtinModules.includes(spec)) return null;
  try {
    const path = require.resolve(spec, { paths: [folder] });
    return path.split(sep).includes('node_modules') ? null : `${spec} is not a package`;
  } catch {
    // `src/...` through baseUrl, or anything else that is not an installed package.
    return `${spec} is not an installed package`;
  }
}

describe('migrations are self-contained', () => {
  const files = readdirSync(FOLDER).filter((f) => f.endsWith('.ts'));

  it('finds the migrations', () => {
    expect(files.length).toBeGreaterThanOrEqual(9);
    expect(files).toContain('1764000003000-statistics.ts');
  });

  it('import nothing from src/ outside src/database/migrations/', () => {
    const offending = files.flatMap((f) =>
      specifiersOf(readFileSync(join(FOLDER, f), 'utf8'))
        .map((spec) => outsideImport(spec, FOLDER))
        .filter((why): why is string => why !== null)
        .map((why) => `${f}: ${why}`),
    );
    expect(offending).toEqual([]);
  });

  it('tells an import from the app apart from one inside the folder', () => {
    // The checks above could pass by finding nothing; these show they would catch a runtime import.
    expect(specifiersOf("import { A } from '../../statistics/monthly-rollup';\nimport 'reflect-metadata';\nconst b = require('src/x');")).toEqual([
      '../../statistics/monthly-rollup',
      'reflect-metadata',
      'src/x',
    ]);
    expect(outsideImport('../../statistics/monthly-rollup', FOLDER)).toMatch(/src\/statistics\/monthly-rollup/);
    expect(outsideImport('../sql-dialect', FOLDER)).toMatch(/src\/database\/sql-dialect/);
    expect(outsideImport('src/statistics/monthly-rollup', FOLDER)).toMatch(/not an installed package/);
    expect(outsideImport('./schema-helpers', FOLDER)).toBeNull();
    expect(outsideImport('typeorm', dirname(FOLDER))).toBeNull();
  });
});
