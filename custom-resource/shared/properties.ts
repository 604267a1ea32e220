/** Helpers every preflight check shares: reading CloudFormation's properties and settling lookups together. */

/** CloudFormation sends strings; anything else (or nothing) is read as its string form, so the rules see it. */
export function readProperties<T>(raw: { [name: string]: unknown }, names: ReadonlyArray<keyof T & string>): T {
  const properties = {} as { [name: string]: string };
  for (const name of names) properties[name] = raw[name] == null ? '' : String(raw[name]);
  return properties as T;
}

/** Resolve to [value] or [undefined, error], so several lookups report their problems together. */
export const settle = <T>(work: Promise<T>): Promise<[T] | [undefined, Error]> =>
  work.then(
    (value): [T] => [value],
    (error: Error): [undefined, Error] => [undefined, error],
  );
