/**
 * The small JSONPath subset Automation selectors use in this project:
 * `$`, `.name`, `['name']` and `[index]` (e.g. `$.Payload.Started`,
 * `$.DBClusterSnapshots[0].Status`). Anything else (wildcards, filters,
 * slices, recursive descent) is refused loudly rather than guessed at, so a
 * selector the runner cannot evaluate never reads as "no value".
 */

export type PathSegment = { kind: 'name'; name: string } | { kind: 'index'; index: number };

export class JsonPathError extends Error {
  constructor(path: string, reason: string) {
    super(`JSONPath ${JSON.stringify(path)}: ${reason}`);
    this.name = 'JsonPathError';
  }
}

const NAME = /^[A-Za-z_][A-Za-z0-9_-]*/;

export function parseJsonPath(path: string): PathSegment[] {
  if (!path.startsWith('$')) throw new JsonPathError(path, 'must start with "$"');
  const segments: PathSegment[] = [];
  let rest = path.slice(1);
  while (rest.length > 0) {
    if (rest.startsWith('..')) throw new JsonPathError(path, 'recursive descent ".." is not supported by the runner');
    if (rest.startsWith('.')) {
      const match = NAME.exec(rest.slice(1));
      if (!match) throw new JsonPathError(path, `expected a member name after "." at "${rest}"`);
      segments.push({ kind: 'name', name: match[0] });
      rest = rest.slice(1 + match[0].length);
      continue;
    }
    const index = /^\[(\d+)\]/.exec(rest);
    if (index) {
      segments.push({ kind: 'index', index: Number(index[1]) });
      rest = rest.slice(index[0].length);
      continue;
    }
    const quoted = /^\['([^'\\]+)'\]/.exec(rest) ?? /^\["([^"\\]+)"\]/.exec(rest);
    if (quoted) {
      segments.push({ kind: 'name', name: quoted[1] });
      rest = rest.slice(quoted[0].length);
      continue;
    }
    throw new JsonPathError(path, `unsupported syntax at "${rest}" (the runner knows $, .name, ['name'] and [n])`);
  }
  return segments;
}

/** The value at `path`, or `{ found: false }` when some segment does not exist. */
export function selectJsonPath(document: unknown, path: string): { found: true; value: unknown } | { found: false } {
  let current: unknown = document;
  for (const segment of parseJsonPath(path)) {
    if (segment.kind === 'name') {
      if (current === null || typeof current !== 'object' || Array.isArray(current)) return { found: false };
      if (!Object.prototype.hasOwnProperty.call(current, segment.name)) return { found: false };
      current = (current as Record<string, unknown>)[segment.name];
    } else {
      if (!Array.isArray(current) || segment.index >= current.length) return { found: false };
      current = current[segment.index];
    }
  }
  return { found: true, value: current };
}
