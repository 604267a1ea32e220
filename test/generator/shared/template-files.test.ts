import * as fs from 'fs';
import * as path from 'path';
import { renderTemplates, TEMPLATE_BASENAME, TEMPLATE_BODY_LIMIT_BYTES, TEMPLATE_DIR } from '../../../generator/main';

describe('generated template files', () => {
  const rendered = renderTemplates();

  it.each(['yaml', 'json'] as const)('committed templates/%s is byte-for-byte what the generator writes', (extension) => {
    const committed = fs.readFileSync(path.join(TEMPLATE_DIR, `${TEMPLATE_BASENAME}.${extension}`), 'utf8');
    expect(committed).toBe(rendered[extension]);
  });

  it.each(['yaml', 'json'] as const)('%s fits the 51,200-byte TemplateBody limit', (extension) => {
    expect(Buffer.byteLength(rendered[extension])).toBeLessThanOrEqual(TEMPLATE_BODY_LIMIT_BYTES);
  });

  it('renders identical bytes twice', () => {
    expect(renderTemplates()).toEqual(rendered);
  });
});
