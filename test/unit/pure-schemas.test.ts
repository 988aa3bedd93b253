import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * Every schema built at module scope in shared/http/schemas/ is an immediately called arrow function marked
 * `@__PURE__` (shared/http/schemas/common.ts says why): one bare `z.*` call at module scope and every
 * function importing that module constructs it at its cold start, whether its route names it or not
 * (docs/PERFORMANCE.md, figure 1). test/infra/bundling.test.ts checks the effect on a real bundle.
 */
const dir = resolve(__dirname, '../../shared/http/schemas');

function containsCall(node: ts.Node): boolean {
  if (ts.isArrowFunction(node) || ts.isFunctionExpression(node)) return false; // not run at module scope
  return ts.isCallExpression(node) || ts.isNewExpression(node) || ts.forEachChild(node, containsCall) === true;
}

function isPureIife(node: ts.Expression, source: ts.SourceFile): boolean {
  if (!ts.isCallExpression(node) || node.arguments.length > 0) return false;
  let callee: ts.Expression = node.expression;
  while (ts.isParenthesizedExpression(callee)) callee = callee.expression;
  // The comment sits between `=` and the call: the call's leading trivia.
  const pure = source.text.slice(node.getFullStart(), node.getStart(source)).trim() === '/* @__PURE__ */';
  return pure && ts.isArrowFunction(callee);
}

/** Module-scope declarations whose initializer runs code at import, without the pure wrapper. */
function unwrapped(file: string, text = readFileSync(file, 'utf8')): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  return source.statements
    .filter(ts.isVariableStatement)
    .flatMap((statement) =>
      statement.declarationList.declarations
        .filter((d) => d.initializer && containsCall(d.initializer) && !isPureIife(d.initializer, source))
        .map((d) => d.name.getText(source)),
    );
}

describe('module-scope schemas are pure', () => {
  const files = readdirSync(dir).filter((name) => name.endsWith('.ts'));

  it('finds the schema modules', () => {
    expect(files.length).toBeGreaterThan(5);
  });

  it.each(files)('%s builds no schema at import outside a @__PURE__ wrapper', (name) => {
    expect(unwrapped(join(dir, name))).toEqual([]);
  });

  it('the check itself flags a bare construction', () => {
    const text = [
      "import * as z from 'zod/mini';",
      'export const a = /* @__PURE__ */ (() => z.string())();',
      'export const b = z.object({ a });',
      'const c = (() => z.string())();',
      "export const d = ['x', 'y'] as const;",
    ].join('\n');
    expect(unwrapped('fixture.ts', text)).toEqual(['b', 'c']);
  });
});
