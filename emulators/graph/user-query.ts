import type { UserRecord } from './directory-store.js';

/**
 * The subset of OData `$filter` and directory `$search` that the connector's matching and directory search use:
 * `prop eq|ne 'v'`, `prop in ('a','b')`, `startswith(prop,'v')`, `endswith(prop,'v')`, `and`, `or`, `not`,
 * parentheses; `$search="prop:term" OR|AND "prop:term"` with Graph's tokenized prefix matching.
 * Parse errors throw `QueryError` whose message is what Graph would put in the 400 body.
 */
export class QueryError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

type Field = (u: UserRecord) => string | null;

const FIELDS: Record<string, Field> = {
  id: (u) => u.id,
  mail: (u) => u.mail,
  userprincipalname: (u) => u.userPrincipalName,
  displayname: (u) => u.displayName,
  department: (u) => u.department,
  jobtitle: (u) => u.jobTitle,
  givenname: (u) => u.givenName,
  surname: (u) => u.surname,
};

/** Directory queries allow at most 15 values across `or` / `in` (clients must chunk address lookups). */
export const MAX_CHILD_CLAUSES = 15;

export type Predicate = (u: UserRecord) => boolean;

export interface ParsedFilter {
  test: Predicate;
  /** When the whole filter is an OR of exact id/mail/UPN matches: the values, for index lookups. */
  exact: { field: 'id' | 'mail' | 'userprincipalname'; value: string }[] | null;
}

type Token = { kind: 'word'; text: string } | { kind: 'string'; text: string } | { kind: 'punct'; text: string };

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const ch = src[i]!;
    if (ch === ' ' || ch === '\t') {
      i++;
    } else if (ch === '(' || ch === ')' || ch === ',') {
      tokens.push({ kind: 'punct', text: ch });
      i++;
    } else if (ch === "'") {
      let text = '';
      i++;
      for (;;) {
        if (i >= src.length) throw new QueryError('BadRequest', `Invalid filter clause: unterminated string literal in '${src}'.`);
        if (src[i] === "'") {
          if (src[i + 1] === "'") {
            text += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        text += src[i];
        i++;
      }
      tokens.push({ kind: 'string', text });
    } else {
      const m = /^[A-Za-z0-9_./@:-]+/.exec(src.slice(i));
      if (!m) throw new QueryError('BadRequest', `Invalid filter clause: syntax error at position ${i} in '${src}'.`);
      tokens.push({ kind: 'word', text: m[0] });
      i += m[0].length;
    }
  }
  return tokens;
}

export function parseFilter(src: string): ParsedFilter {
  const tokens = tokenize(src);
  let pos = 0;
  const peekWord = (): string | undefined => (tokens[pos]?.kind === 'word' ? tokens[pos]!.text.toLowerCase() : undefined);
  const fail = (what: string): never => {
    throw new QueryError('BadRequest', `Invalid filter clause: ${what} in '${src}'.`);
  };
  const expect = (text: string): void => {
    const t = tokens[pos];
    if (!t || t.text !== text || t.kind === 'string') fail(`expected '${text}' at token ${pos + 1}`);
    pos++;
  };
  const str = (): string => {
    const t = tokens[pos];
    if (!t || t.kind !== 'string') return fail(`expected a string literal at token ${pos + 1}`);
    pos++;
    return t.text;
  };
  const field = (): { name: string; get: Field } => {
    const t = tokens[pos];
    if (!t || t.kind !== 'word') return fail(`expected a property at token ${pos + 1}`);
    pos++;
    const get = FIELDS[t.text.toLowerCase()];
    if (!get) throw new QueryError('BadRequest', `Could not find a property named '${t.text}' on type 'microsoft.graph.user'.`);
    return { name: t.text.toLowerCase(), get };
  };

  type Node = { test: Predicate; exact: ParsedFilter['exact'] };
  const exactable = (name: string): name is 'id' | 'mail' | 'userprincipalname' => name === 'id' || name === 'mail' || name === 'userprincipalname';

  const primary = (): Node => {
    const t = tokens[pos];
    if (!t) return fail('unexpected end of expression');
    if (t.kind === 'punct' && t.text === '(') {
      pos++;
      const inner = orExpr();
      expect(')');
      return inner;
    }
    const w = peekWord();
    if (w === 'startswith' || w === 'endswith') {
      pos++;
      expect('(');
      const f = field();
      expect(',');
      const v = str().toLowerCase();
      expect(')');
      const test: Predicate = w === 'startswith' ? (u) => (f.get(u) ?? '').toLowerCase().startsWith(v) : (u) => (f.get(u) ?? '').toLowerCase().endsWith(v);
      return { test, exact: null };
    }
    const f = field();
    const op = peekWord();
    pos++;
    if (op === 'eq' || op === 'ne') {
      const t2 = tokens[pos];
      let v: string | null;
      if (t2?.kind === 'word' && t2.text.toLowerCase() === 'null') {
        pos++;
        v = null;
      } else v = str().toLowerCase();
      const eq: Predicate = (u) => {
        const x = f.get(u);
        return v === null ? x === null : x !== null && x.toLowerCase() === v;
      };
      if (op === 'ne') return { test: (u) => !eq(u), exact: null };
      return { test: eq, exact: v !== null && exactable(f.name) ? [{ field: f.name, value: v }] : null };
    }
    if (op === 'in') {
      expect('(');
      const values: string[] = [str().toLowerCase()];
      while (tokens[pos]?.text === ',') {
        pos++;
        values.push(str().toLowerCase());
      }
      expect(')');
      const set = new Set(values);
      const name = f.name;
      return { test: (u) => set.has((f.get(u) ?? '').toLowerCase()), exact: exactable(name) ? values.map((value) => ({ field: name, value })) : null };
    }
    return fail(`unsupported operator '${op ?? ''}'`);
  };
  const unary = (): Node => {
    if (peekWord() === 'not') {
      pos++;
      const inner = unary();
      return { test: (u) => !inner.test(u), exact: null };
    }
    return primary();
  };
  const andExpr = (): Node => {
    let left = unary();
    while (peekWord() === 'and') {
      pos++;
      const a = left;
      const b = unary();
      left = { test: (u) => a.test(u) && b.test(u), exact: null };
    }
    return left;
  };
  const orExpr = (): Node => {
    let left = andExpr();
    while (peekWord() === 'or') {
      pos++;
      const a = left;
      const b = andExpr();
      left = { test: (u) => a.test(u) || b.test(u), exact: a.exact && b.exact ? [...a.exact, ...b.exact] : null };
    }
    return left;
  };
  const node = orExpr();
  if (pos !== tokens.length) fail(`unexpected '${tokens[pos]!.text}'`);
  if (node.exact && node.exact.length > MAX_CHILD_CLAUSES) {
    throw new QueryError(
      'Request_UnsupportedQuery',
      `Too many child clauses specified in search filter expression containing 'OR' operators: ${node.exact.length}. Max allowed: ${MAX_CHILD_CLAUSES}.`,
    );
  }
  return node;
}

const WORD_BREAKS = [' ', '.', '@', '-', '_', '(', ','];

/** Tokenized prefix match as directory `$search` does it: the term starts the value or one of its words. */
function prefixMatch(value: string | null, term: string): boolean {
  if (!value) return false;
  const v = value.toLowerCase();
  if (v.startsWith(term)) return true;
  for (const sep of WORD_BREAKS) if (v.includes(sep + term)) return true;
  return false;
}

/** `"displayName:foo" OR "department:bar"` (clauses quoted; OR/AND between them, AND binding tighter). */
export function parseSearch(src: string): Predicate {
  const clause = /^\s*"([A-Za-z]+):([^"]*)"\s*/;
  const groups: Predicate[][] = [[]];
  let rest = src;
  for (;;) {
    const m = clause.exec(rest);
    if (!m) throw new QueryError('BadRequest', `Syntax error: invalid $search clause at '${rest.slice(0, 40)}'. Use "property:term".`);
    const get = FIELDS[m[1]!.toLowerCase()];
    if (!get) throw new QueryError('BadRequest', `Property '${m[1]}' is not supported for $search.`);
    const term = m[2]!.trim().toLowerCase();
    groups[groups.length - 1]!.push((u) => prefixMatch(get(u), term));
    rest = rest.slice(m[0].length);
    if (rest.length === 0) break;
    const op = /^(OR|AND)\s+/.exec(rest);
    if (!op) throw new QueryError('BadRequest', `Syntax error: expected OR or AND at '${rest.slice(0, 40)}'.`);
    if (op[1] === 'OR') groups.push([]);
    rest = rest.slice(op[0].length);
  }
  return (u) => groups.some((g) => g.every((p) => p(u)));
}
