import type { ValidationIssue } from '@ubom/core';
import type { HttpConfig } from './config';

/** Output names the executor sets itself: an `extract` may not take them. */
export const RESERVED_OUTPUTS = ['status', 'headers', 'url', 'body', 'output_file', 'body_bytes'];

/** The rules the schema cannot express (no I/O): every problem at once. */
export function crossFieldIssues(config: HttpConfig): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const add = (path: string, message: string) => issues.push({ path: `executor_config.${path}`, message });
  if (!URL.canParse(config.url)) add('url', 'must be an absolute http:// or https:// URL');
  else if (/^https?:\/\/[^/?#]*@/i.test(config.url))
    add('url', 'must not carry credentials (user:password@): give them in auth, where they are masked');
  if (config.body && (config.method === 'GET' || config.method === 'HEAD'))
    add(
      'body',
      `a ${config.method} request has no body: use POST, PUT or PATCH, or send the values as query`,
    );
  const tls = config.tls;
  if (tls?.client_cert !== undefined && tls.client_key === undefined)
    add('tls.client_key', 'is required with client_cert (mutual TLS needs both)');
  if (tls?.client_key !== undefined && tls.client_cert === undefined)
    add('tls.client_cert', 'is required with client_key (mutual TLS needs both)');
  if (tls?.client_key_passphrase !== undefined && tls.client_key === undefined)
    add('tls.client_key_passphrase', 'has no effect without client_key');
  const auth = config.auth;
  if (auth) {
    const taken = auth.type === 'api_key' ? auth.header.toLowerCase() : 'authorization';
    for (const name of Object.keys(config.headers ?? {}))
      if (name.toLowerCase() === taken)
        add(
          `headers.${name}`,
          `conflicts with auth (${auth.type}), which sets this header: give one or the other`,
        );
  }
  if (config.extract) {
    if (config.output_file !== undefined)
      add('extract', 'needs the body in memory: it cannot be used with output_file');
    if (config.response_format === 'text' || config.response_format === 'base64')
      add('extract', `needs a JSON body: it cannot be used with response_format "${config.response_format}"`);
    for (const name of Object.keys(config.extract))
      if (RESERVED_OUTPUTS.includes(name))
        add(
          `extract.${name}`,
          `is an output the executor sets itself (${RESERVED_OUTPUTS.join(', ')}): choose another name`,
        );
  }
  return issues;
}
