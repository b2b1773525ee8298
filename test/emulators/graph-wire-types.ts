import { join } from 'node:path';
import ts from 'typescript';

/**
 * Type-checks JSON answers (as received on the wire) against @microsoft/microsoft-graph-types with the TypeScript
 * compiler: each body becomes an object literal assigned to its Graph type, so an unknown property (excess
 * property check), a misspelt one or a wrong JSON type is a diagnostic naming the sample. OData annotations
 * (`@odata.context`, `@odata.nextLink`, `@odata.count`, `@odata.type`, `@odata.id`) are allowed, as Graph sends them.
 */
const PRELUDE = `import type * as G from '@microsoft/microsoft-graph-types';
type OData = { '@odata.context'?: string; '@odata.nextLink'?: string; '@odata.count'?: number; '@odata.type'?: string; '@odata.id'?: string; '@odata.etag'?: string };
type Wire<T> = T & OData;
type Collection<T> = OData & { value: Wire<T>[] };
// Microsoft's presence notification example carries organizationId, which the published types lack
// (learn.microsoft.com/graph/changenotifications-for-presence); every other property must be in the types.
type Notifications = Omit<G.ChangeNotificationCollection, 'value'> & { value: (G.ChangeNotification & { organizationId?: string })[] };
`;

export function wireTypeErrors(samples: readonly { type: string; body: unknown; what: string }[]): string[] {
  const file = join(process.cwd(), 'test', 'emulators', '__graph_wire_samples__.ts');
  const lines = samples.map((s, i) => `/* ${s.what.replace(/\*\//g, '')} */ export const sample${i}: ${s.type} = ${JSON.stringify(s.body)};`);
  const source = `${PRELUDE}${lines.join('\n')}\n`;
  const options: ts.CompilerOptions = { strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, types: [], skipLibCheck: true };
  const host = ts.createCompilerHost(options);
  const original = host.getSourceFile.bind(host);
  host.getSourceFile = (name, lang, onError, create) => (name === file ? ts.createSourceFile(name, source, lang) : original(name, lang, onError, create));
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => name === file || fileExists(name);
  const program = ts.createProgram([file], options, host);
  const sourceLines = source.split('\n');
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const line = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line : -1;
    const where = line >= 0 ? (/^\/\* (.*?) \*\//.exec(sourceLines[line] ?? '')?.[1] ?? `line ${line}`) : '(program)';
    return `${where}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
  });
}
