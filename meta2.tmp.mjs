import { buildSync } from 'esbuild';
const r = buildSync({entryPoints:['custom-resource/recovery/index.ts'],bundle:true,platform:'node',target:'node22',format:'cjs',external:['@aws-sdk/*'],minify:true,legalComments:'none',charset:'utf8',write:false,metafile:true,outfile:'x.js'});
const ins=r.metafile.outputs['x.js'].inputs;
Object.entries(ins).sort((a,b)=>b[1].bytesInOutput-a[1].bytesInOutput).forEach(([k,v])=>console.log(v.bytesInOutput,k));
