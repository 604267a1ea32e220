/**
 * A local HTTPS server standing in for CloudFormation's pre-signed ResponseURL.
 * Its certificate is self-signed and made at test time with openssl (no
 * network). Each reply URL is unique and carries a fake signature in its
 * query string, so a test can prove the signature never reaches the logs; a
 * URL can be told to answer the first PUTs with an error status.
 */
import { execFileSync } from 'child_process';
import type { CfnResponse } from '../../../custom-resource/shared/cfn-response';
import * as fs from 'fs';
import * as https from 'https';
import { IncomingHttpHeaders } from 'http';
import { AddressInfo } from 'net';
import * as path from 'path';

export const BUILD_DIR = path.join(__dirname, '..', '..', '..', 'build');

export interface CapturedReply {
  method: string;
  headers: IncomingHttpHeaders;
  raw: string;
  body: CfnResponse;
  bytes: number;
  receivedAt: number;
}

export interface ReplyEndpoint {
  url: string;
  /** The signature in the URL's query string: it must never appear in a log. */
  signature: string;
  /** Every PUT received, failed ones included. */
  attempts: CapturedReply[];
  /** The first PUT answered 200. */
  reply: Promise<CapturedReply>;
}

export interface ResponseServer {
  certFile: string;
  ca: string;
  endpoint(options?: { failFirst?: number; failStatus?: number }): ReplyEndpoint;
  stop(): Promise<void>;
}

/** A self-signed certificate for 127.0.0.1, written under build/. */
export function makeCertificate(): { dir: string; certFile: string; keyFile: string } {
  fs.mkdirSync(BUILD_DIR, { recursive: true });
  const dir = fs.mkdtempSync(path.join(BUILD_DIR, 'tls-'));
  const certFile = path.join(dir, 'cert.pem');
  const keyFile = path.join(dir, 'key.pem');
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
      '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', keyFile, '-out', certFile],
    { stdio: 'ignore' },
  );
  return { dir, certFile, keyFile };
}

export async function startResponseServer(): Promise<ResponseServer> {
  const { dir, certFile, keyFile } = makeCertificate();
  const ca = fs.readFileSync(certFile, 'utf8');
  interface Route {
    failuresLeft: number;
    failStatus: number;
    attempts: CapturedReply[];
    resolve: (reply: CapturedReply) => void;
  }
  const routes = new Map<string, Route>();
  let counter = 0;

  const server = https.createServer({ cert: ca, key: fs.readFileSync(keyFile) }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const route = routes.get(new URL(req.url ?? '/', 'https://127.0.0.1').pathname);
      let body: CapturedReply['body'];
      try {
        body = JSON.parse(raw);
      } catch {
        res.writeHead(400).end('body is not JSON');
        return;
      }
      const captured: CapturedReply = {
        method: req.method ?? '',
        headers: req.headers,
        raw,
        body,
        bytes: Buffer.concat(chunks).length,
        receivedAt: Date.now(),
      };
      if (!route) {
        res.writeHead(404).end();
        return;
      }
      route.attempts.push(captured);
      if (route.failuresLeft > 0) {
        route.failuresLeft -= 1;
        res.writeHead(route.failStatus).end();
        return;
      }
      res.writeHead(200).end();
      route.resolve(captured);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    certFile,
    ca,
    endpoint({ failFirst = 0, failStatus = 503 } = {}) {
      counter += 1;
      const pathname = `/cfn-response/arn%3Aaws%3Acloudformation%3Aus-east-1%3A123456789012%3Astack/aurora-dr/${counter}`;
      const signature = `TEST-SIGNATURE-${process.pid}-${counter}-5f1e2d`;
      let resolve!: (reply: CapturedReply) => void;
      const reply = new Promise<CapturedReply>((r) => (resolve = r));
      const attempts: CapturedReply[] = [];
      routes.set(pathname, { failuresLeft: failFirst, failStatus, attempts, resolve });
      return {
        url: `https://127.0.0.1:${port}${pathname}?X-Amz-Expires=7200&X-Amz-Signature=${signature}`,
        signature,
        attempts,
        reply,
      };
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          fs.rmSync(dir, { recursive: true, force: true });
          resolve();
        });
      }),
  };
}

/**
 * Starts a response server for the enclosing describe block and trusts its
 * certificate in this process only, restoring the previous CA list after.
 */
export function useTrustedResponseServer(): Pick<ResponseServer, 'endpoint'> {
  let server: ResponseServer | undefined;
  const savedCa = https.globalAgent.options.ca;
  beforeAll(async () => {
    server = await startResponseServer();
    https.globalAgent.options.ca = server.ca;
  });
  afterAll(async () => {
    https.globalAgent.options.ca = savedCa;
    await server?.stop();
  });
  return {
    endpoint: (...args) => {
      if (!server) throw new Error('the response server starts in beforeAll');
      return server.endpoint(...args);
    },
  };
}
