/**
 * `make template`: writes templates/aurora-snapshot-dr.{yaml,json}, the recovery stack's
 * aurora-snapshot-dr-recovery.{yaml,json} and the vault stack's aurora-snapshot-dr-vault.{yaml,json}.
 */
import * as fs from 'fs';
import * as path from 'path';
import { buildTemplate } from './dr/template';
import { buildRecoveryTemplate } from './recovery/template';
import { buildVaultTemplate } from './vault/template';
import { toJson, toYaml } from './shared/serialize';

export const TEMPLATE_DIR = path.join(__dirname, '..', 'templates');
export const TEMPLATE_BASENAME = 'aurora-snapshot-dr';
/** The recovery stack, deployed in the target Region (generator/recovery/). */
export const RECOVERY_TEMPLATE_BASENAME = 'aurora-snapshot-dr-recovery';
/** The vault stack, deployed in the vault account in the DR Region (generator/vault/). */
export const VAULT_TEMPLATE_BASENAME = 'aurora-snapshot-dr-vault';
/** `--template-body` and StackSets `TemplateBody` take at most this many bytes. */
export const TEMPLATE_BODY_LIMIT_BYTES = 51200;

export function renderTemplates(): { yaml: string; json: string } {
  const template = buildTemplate();
  return { yaml: toYaml(template), json: toJson(template) };
}

export function renderRecoveryTemplates(): { yaml: string; json: string } {
  const template = buildRecoveryTemplate();
  return { yaml: toYaml(template), json: toJson(template) };
}

export function renderVaultTemplates(): { yaml: string; json: string } {
  const template = buildVaultTemplate();
  return { yaml: toYaml(template), json: toJson(template) };
}

function main(): void {
  const outDir = process.argv[2] ?? TEMPLATE_DIR;
  fs.mkdirSync(outDir, { recursive: true });
  const files = [
    ...Object.entries(renderTemplates()).map(([extension, text]) => [`${TEMPLATE_BASENAME}.${extension}`, text]),
    ...Object.entries(renderRecoveryTemplates()).map(([extension, text]) => [`${RECOVERY_TEMPLATE_BASENAME}.${extension}`, text]),
    ...Object.entries(renderVaultTemplates()).map(([extension, text]) => [`${VAULT_TEMPLATE_BASENAME}.${extension}`, text]),
  ];
  for (const [name, text] of files) {
    const file = path.join(outDir, name);
    fs.writeFileSync(file, text);
    const bytes = Buffer.byteLength(text);
    const verdict = bytes <= TEMPLATE_BODY_LIMIT_BYTES ? 'ok' : 'TOO LARGE for --template-body';
    console.log(`${path.relative(process.cwd(), file)}: ${bytes} bytes (limit ${TEMPLATE_BODY_LIMIT_BYTES}, ${verdict})`);
  }
}

if (require.main === module) {
  main();
}
