import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/**
 * action.yml is the only home of an input's default: the runner and the CLI always pass it. This check
 * reads an action's sources and reports any input they read that action.yml does not declare, and any
 * value the code puts in place of an input that action.yml already gives a default.
 */

/** The helpers of @release-actions/core/runtime/inputs that read one input by name. */
const READERS = new Set([
  'getString',
  'getRequired',
  'getBoolean',
  'getInt',
  'getEnum',
  'getDuration',
  'getByteSize',
  'getList',
  'getLines',
  'getKeyValues',
  'getUrl',
  'getSecret',
]);

/** Arguments after the name that are not a default: getInt's range, getEnum's allowed values. */
const EXTRA_ARGUMENTS: Record<string, number> = { getInt: 1, getEnum: 1 };

/** Declared inputs and their defaults ('' for none), as action.yml states them. */
export type DeclaredInputs = Map<string, string>;

export function checkInputUse(fileName: string, source: string, declared: DeclaredInputs): string[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true);
  const problems: string[] = [];
  const at = (node: ts.Node): string => `${fileName}:${file.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node)) problems.push(...checkCall(node, declared, at));
    ts.forEachChild(node, visit);
  };
  visit(file);
  return problems;
}

function checkCall(call: ts.CallExpression, declared: DeclaredInputs, at: (n: ts.Node) => string): string[] {
  const callee = call.expression;
  if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'getInput') {
    return [`${at(call)}: reads an input with ${callee.getText()}; use the helpers of runtime/inputs`];
  }
  if (!ts.isIdentifier(callee) || !READERS.has(callee.text)) return [];
  const [first] = call.arguments;
  if (first === undefined || !ts.isStringLiteralLike(first)) {
    return [`${at(call)}: ${callee.text} reads an input by a computed name; name it literally`];
  }
  const name = first.text;
  const fallback = substitute(call);
  if (!declared.has(name)) return [`${at(call)}: input "${name}" is not declared in action.yml`];
  const extra = call.arguments.slice(1 + (EXTRA_ARGUMENTS[callee.text] ?? 0));
  if (extra.length > 0) {
    return [`${at(call)}: input "${name}" gets a default in code (${extra[0]!.getText()}); put it in action.yml`];
  }
  if (fallback === undefined) return [];
  if (isLiteral(fallback)) {
    return [`${at(call)}: input "${name}" gets a default in code (${fallback.getText()}); put it in action.yml`];
  }
  if (declared.get(name) !== '') {
    return [
      `${at(call)}: input "${name}" has the action.yml default "${declared.get(name)}", yet the code replaces an empty value`,
    ];
  }
  return [];
}

/** The right-hand side of `read(name) || x` or `read(name) ?? x`, unless x is `undefined`. */
function substitute(call: ts.CallExpression): ts.Expression | undefined {
  const parent = call.parent;
  if (!ts.isBinaryExpression(parent) || parent.left !== call) return undefined;
  const op = parent.operatorToken.kind;
  if (op !== ts.SyntaxKind.BarBarToken && op !== ts.SyntaxKind.QuestionQuestionToken) return undefined;
  if (ts.isIdentifier(parent.right) && parent.right.text === 'undefined') return undefined;
  return parent.right;
}

function isLiteral(node: ts.Expression): boolean {
  return (
    ts.isStringLiteralLike(node) ||
    ts.isNumericLiteral(node) ||
    ts.isArrayLiteralExpression(node) ||
    ts.isObjectLiteralExpression(node) ||
    node.kind === ts.SyntaxKind.TrueKeyword ||
    node.kind === ts.SyntaxKind.FalseKeyword
  );
}

/** The non-test TypeScript sources under dir, recursively. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sources(full);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [full] : [];
  });
}

/** Every action under `<root>/actions` whose src/ reads its inputs as its action.yml declares them. */
export function checkActionInputs(
  root: string,
  declaredOf: (actionYml: string) => DeclaredInputs,
): { files: string[]; problems: string[] } {
  const actionsDir = path.join(root, 'actions');
  const files: string[] = [];
  const problems: string[] = [];
  for (const action of existsSync(actionsDir) ? readdirSync(actionsDir).sort() : []) {
    const yml = path.join(actionsDir, action, 'action.yml');
    const src = path.join(actionsDir, action, 'src');
    if (!existsSync(yml) || !existsSync(src)) continue;
    const declared = declaredOf(readFileSync(yml, 'utf8'));
    for (const file of sources(src)) {
      const rel = path.relative(root, file);
      files.push(rel);
      problems.push(...checkInputUse(rel, readFileSync(file, 'utf8'), declared));
    }
  }
  return { files, problems };
}
