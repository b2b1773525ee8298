import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The architecture's dependency rules, checked on the import graph (parsed with the TypeScript compiler, not
 * matched as text): which folder may use which library, which way adapters point, what the widget bundle may take
 * from the server, and that production start never loads emulator or sandbox code.
 */

const ROOT = resolve(import.meta.dirname, '../..');

interface Edge {
  /** The file that imports, relative to the repository root. */
  from: string;
  /** The module specifier as written. */
  spec: string;
  /** The imported file relative to the root, for relative specifiers that resolve to one. */
  target: string | null;
  /** `import type`, `export type`, or every named binding marked `type`. */
  typeOnly: boolean;
  dynamic: boolean;
}

function walk(dir: string): string[] {
  if (!existsSync(join(ROOT, dir))) return [];
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(ROOT, path)).isDirectory()) return walk(path);
    return /\.ts$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

function resolveTarget(from: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null;
  const base = resolve(ROOT, dirname(from), spec);
  for (const candidate of [base.replace(/\.js$/, '.ts'), base, `${base}.ts`, join(base, 'index.ts')]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return relative(ROOT, candidate);
  }
  return relative(ROOT, base);
}

/** Every import, re-export, dynamic import() and require() in a file. */
export function importsOf(file: string, source = readFileSync(join(ROOT, file), 'utf8')): Edge[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const edges: Edge[] = [];
  const add = (spec: string, typeOnly: boolean, dynamic: boolean): void => {
    edges.push({ from: file, spec, target: resolveTarget(file, spec), typeOnly, dynamic });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const named = clause?.namedBindings && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings.elements : undefined;
      const typeOnly = !!clause && (clause.isTypeOnly || (!clause.name && !!named && named.length > 0 && named.every((e) => e.isTypeOnly)));
      add(node.moduleSpecifier.text, typeOnly, false);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const named = node.exportClause && ts.isNamedExports(node.exportClause) ? node.exportClause.elements : undefined;
      add(node.moduleSpecifier.text, node.isTypeOnly || (!!named && named.length > 0 && named.every((e) => e.isTypeOnly)), false);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference) && ts.isStringLiteral(node.moduleReference.expression)) {
      add(node.moduleReference.expression.text, node.isTypeOnly, false);
    } else if (ts.isCallExpression(node) && node.arguments.length > 0 && ts.isStringLiteralLike(node.arguments[0]!)) {
      const isImport = node.expression.kind === ts.SyntaxKind.ImportKeyword;
      const isRequire = ts.isIdentifier(node.expression) && node.expression.text === 'require';
      if (isImport || isRequire) add((node.arguments[0] as ts.StringLiteralLike).text, false, true);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      add(node.argument.literal.text, true, false);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return edges;
}

const SERVER = walk('server');
const WIDGET = walk('widget');
const EDGES = [...SERVER, ...WIDGET].flatMap((f) => importsOf(f));
const under = (file: string, folder: string): boolean => file === folder || file.startsWith(`${folder}/`);
const isPackage = (spec: string, names: readonly string[]): boolean => names.some((n) => spec === n || spec.startsWith(`${n}/`));

/** [library, package names, the only folder of server/ that may import it] */
const LIBRARIES: [string, readonly string[], string][] = [
  ['better-sqlite3', ['better-sqlite3'], 'server/store'],
  ['express', ['express', 'express-serve-static-core'], 'server/http'],
  ['socket.io', ['socket.io', 'socket.io-client'], 'server/gateway'],
  ['msal and the Graph client', ['@azure/msal-node', '@azure/msal-common', '@microsoft/microsoft-graph-client', '@microsoft/msgraph-sdk', '@microsoft/msgraph-sdk-users', '@microsoft/msgraph-sdk-subscriptions'], 'server/graph'],
  ['the contact-center HTTP client', ['undici', 'axios'], 'server/contact-center'],
];

const show = (edges: Edge[]): string[] => edges.map((e) => `${e.from} → ${e.spec}`);

describe('architecture boundaries (import graph)', () => {
  it('sees the source tree it checks', () => {
    expect(SERVER.length).toBeGreaterThan(50);
    expect(WIDGET.length).toBeGreaterThan(10);
    expect(EDGES.some((e) => e.spec === 'better-sqlite3' && under(e.from, 'server/store'))).toBe(true);
  });

  it.each(LIBRARIES)('%s is imported only under its folder', (_name, packages, folder) => {
    const outside = EDGES.filter((e) => under(e.from, 'server') && isPackage(e.spec, packages) && !under(e.from, folder));
    expect(show(outside)).toEqual([]);
  });

  it('server/ never imports the sandbox or the emulators', () => {
    const bad = EDGES.filter((e) => under(e.from, 'server') && e.target && (under(e.target, 'sandbox') || under(e.target, 'emulators')));
    expect(show(bad)).toEqual([]);
  });

  it('starting in live mode (server/main.ts) loads no emulator or sandbox code, statically or dynamically', () => {
    const seen = new Set<string>();
    const queue = ['server/main.ts'];
    while (queue.length) {
      const file = queue.pop()!;
      if (seen.has(file) || !existsSync(join(ROOT, file))) continue;
      seen.add(file);
      for (const e of importsOf(file)) if (e.target && !e.typeOnly && e.target.endsWith('.ts')) queue.push(e.target);
    }
    expect(seen.size).toBeGreaterThan(20);
    expect([...seen].filter((f) => under(f, 'emulators') || under(f, 'sandbox'))).toEqual([]);
  });

  it('the widget takes only types from the server, and only from the wire contract', () => {
    const fromServer = EDGES.filter((e) => under(e.from, 'widget') && e.target && under(e.target, 'server'));
    expect(fromServer.length).toBeGreaterThan(0);
    expect(show(fromServer.filter((e) => !e.typeOnly))).toEqual([]);
    expect(show(fromServer.filter((e) => e.target !== 'server/gateway/contract.ts'))).toEqual([]);
  });

  it('the wire contract is type-only: it declares no values and imports only types', () => {
    const source = readFileSync(join(ROOT, 'server/gateway/contract.ts'), 'utf8');
    const sf = ts.createSourceFile('contract.ts', source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
    const values = sf.statements.filter((s) => !ts.isInterfaceDeclaration(s) && !ts.isTypeAliasDeclaration(s) && !ts.isImportDeclaration(s) && !ts.isExportDeclaration(s));
    expect(values.map((s) => s.getText(sf).slice(0, 60))).toEqual([]);
    expect(show(importsOf('server/gateway/contract.ts').filter((e) => !e.typeOnly))).toEqual([]);
  });

  it('adapters point inward: graph/ imports neither http/ nor services/; the gateway does not import http/', () => {
    const bad = EDGES.filter(
      (e) => e.target && ((under(e.from, 'server/graph') && (under(e.target, 'server/http') || under(e.target, 'server/services'))) || (under(e.from, 'server/gateway') && under(e.target, 'server/http'))),
    );
    expect(show(bad)).toEqual([]);
  });

  it('the domain is pure: it imports nothing outside server/domain/', () => {
    const bad = EDGES.filter((e) => under(e.from, 'server/domain') && (!e.target || !under(e.target, 'server/domain')));
    expect(show(bad)).toEqual([]);
  });

  it('services depend on no transport: they import neither gateway/ nor http/', () => {
    const bad = EDGES.filter((e) => under(e.from, 'server/services') && e.target && (under(e.target, 'server/gateway') || under(e.target, 'server/http')));
    expect(show(bad)).toEqual([]);
  });

  it('services reach storage only through the ports: no value import from store/', () => {
    const bad = EDGES.filter((e) => under(e.from, 'server/services') && e.target && under(e.target, 'server/store') && !e.typeOnly);
    expect(show(bad)).toEqual([]);
  });

  it('the sync service stays orchestration: at most 200 lines, the rule itself in domain/', () => {
    const lines = readFileSync(join(ROOT, 'server/services/sync-service.ts'), 'utf8').split('\n').length - 1;
    expect(lines).toBeLessThanOrEqual(200);
    const domain = importsOf('server/services/sync-service.ts').filter((e) => e.target && under(e.target, 'server/domain')).map((e) => e.target);
    expect(domain).toEqual(expect.arrayContaining(['server/domain/decide.ts']));
  });

  it('no file in server/ is over 300 lines', () => {
    const long = SERVER.map((f) => [f, readFileSync(join(ROOT, f), 'utf8').split('\n').length - 1] as const).filter(([, n]) => n > 300);
    expect(long).toEqual([]);
  });
});

/**
 * What a file holds, by type: every expression in the files is typed with the compiler, and each one whose type is
 * the agent registry, the stores bag (`Stores`, `SqliteStores`) or a class declared under server/store/ is a reach
 * into state the services own. Aliases, destructuring and casts do not hide it: the type follows the value.
 */
function storageReaches(files: readonly string[]): string[] {
  const config = ts.readConfigFile(join(ROOT, 'tsconfig.json'), ts.sys.readFile).config as object;
  const { options } = ts.parseJsonConfigFileContent(config, ts.sys, ROOT);
  const program = ts.createProgram(files.map((f) => join(ROOT, f)), { ...options, noEmit: true });
  const checker = program.getTypeChecker();
  const owned = (decl: ts.Declaration): boolean => {
    const file = relative(ROOT, decl.getSourceFile().fileName);
    if (file === 'server/services/agent-registry.ts') return ts.isClassDeclaration(decl) && decl.name?.text === 'AgentRegistry';
    if (file === 'server/ports.ts') return ts.isInterfaceDeclaration(decl) && decl.name.text === 'Stores';
    if (under(file, 'server/store')) return ts.isClassDeclaration(decl) || (ts.isInterfaceDeclaration(decl) && decl.name.text === 'SqliteStores');
    return false;
  };
  const found: string[] = [];
  for (const file of files) {
    const sf = program.getSourceFile(join(ROOT, file));
    if (!sf) throw new Error(`the program does not hold ${file}`);
    const visit = (node: ts.Node): void => {
      if (ts.isExpression(node) && !ts.isTypeNode(node)) {
        const type = checker.getTypeAtLocation(node);
        const parts = type.isUnion() || type.isIntersection() ? type.types : [type];
        const symbols = parts.flatMap((t) => [t.getSymbol(), t.aliasSymbol]).filter((x): x is ts.Symbol => !!x);
        if (symbols.some((sym) => (sym.getDeclarations() ?? []).some(owned))) {
          const { line } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
          found.push(`${file}:${line + 1} ${node.getText(sf).slice(0, 60)}`);
          return;
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return found;
}

describe('transports read through services (by type)', () => {
  const transports = SERVER.filter((f) => under(f, 'server/http') || under(f, 'server/gateway'));

  it('no expression in server/http/ or server/gateway/ holds the agent registry, the stores or a store', () => {
    expect(transports.length).toBeGreaterThan(10);
    expect(storageReaches(transports)).toEqual([]);
  }, 60_000);

  it('the check sees such a reach where one exists (services hold the registry and the stores)', () => {
    const hits = storageReaches(['server/services/read-service.ts']);
    expect(hits.some((h) => /this\.registry$/.test(h))).toBe(true);
    expect(hits.some((h) => /this\.stores$/.test(h))).toBe(true);
    expect(hits.some((h) => /this\.stores\.audit$/.test(h))).toBe(true);
  }, 60_000);
});

describe('the import parser the rules rest on', () => {
  it.each([
    ["import x from 'express';", false, false],
    ["import type { Router } from 'express';", true, false],
    ["import { type Router } from 'express';", true, false],
    ["import { type Router, json } from 'express';", false, false],
    ["export type { Router } from 'express';", true, false],
    ["export { json } from 'express';", false, false],
    ["const m = await import('express');", false, true],
    ["const m = require('express');", false, true],
    ["let r: import('express').Router;", true, false],
    ["import 'express';", false, false],
  ])('%s → typeOnly %s, dynamic %s', (source, typeOnly, dynamic) => {
    expect(importsOf('server/x.ts', source)).toEqual([{ from: 'server/x.ts', spec: 'express', target: null, typeOnly, dynamic }]);
  });

  it('resolves relative specifiers to repository files', () => {
    const [edge] = importsOf('server/main.ts', "import { startSandbox } from '../sandbox/sandbox.js';");
    expect(edge!.target).toBe('sandbox/sandbox.ts');
  });
});
