/** `make template`: writes templates/aurora-snapshot-dr.yaml and .json. */
import * as fs from 'fs';
import * as path from 'path';
import { buildTemplate } from './template';
import { toJson, toYaml } from './serialize';

export const TEMPLATE_DIR = path.join(__dirname, '..', 'templates');
export const TEMPLATE_BASENAME = 'aurora-snapshot-dr';
/** `--template-body` and StackSets `TemplateBody` take at most this many bytes. */
export const TEMPLATE_BODY_LIMIT_BYTES = 51200;

export function renderTemplates(): { yaml: string; json: string } {
  const template = buildTemplate();
  return { yaml: toYaml(template), json: toJson(template) };
}

function main(): void {
  const outDir = process.argv[2] ?? TEMPLATE_DIR;
  const rendered = renderTemplates();
  fs.mkdirSync(outDir, { recursive: true });
  for (const [extension, text] of Object.entries(rendered)) {
    const file = path.join(outDir, `${TEMPLATE_BASENAME}.${extension}`);
    fs.writeFileSync(file, text);
    const bytes = Buffer.byteLength(text);
    const verdict = bytes <= TEMPLATE_BODY_LIMIT_BYTES ? 'ok' : 'TOO LARGE for --template-body';
    console.log(`${path.relative(process.cwd(), file)}: ${bytes} bytes (limit ${TEMPLATE_BODY_LIMIT_BYTES}, ${verdict})`);
  }
}

if (require.main === module) {
  main();
}
