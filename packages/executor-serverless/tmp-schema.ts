import { SchemaValidator } from '@ubom/core';
import { serverlessConfigJsonSchema } from './src/config';

console.log(JSON.stringify(serverlessConfigJsonSchema).slice(0, 1500));
const v = new SchemaValidator();
v.registerSchema('serverless', { type: 'serverless', version: '1', config: serverlessConfigJsonSchema });
for (const cfg of [
  {
    provider: 'aws',
    function: 'f',
    region: 'us-east-1',
    credentials: { type: 'aws_iam', access_key: 'AKIAIOSFODNN7EXAMPLE', secret_key: 'x' },
    timout: '3s',
  },
  { provider: 'aws', function: 'f', credentials: { type: 'aws_iam', access_key: 'AKIAIOSFODNN7EXAMPLE' } },
  { provider: 'gcpp', function: 'f' },
  {
    provider: 'azure',
    function: 'f',
    credentials: { type: 'function_key', key: 'k' },
    invocation_type: 'async',
  },
]) {
  try {
    v.validateWork({ id: '1', type: 'serverless', executor_config: cfg });
    console.log('ok');
  } catch (e) {
    console.log(String(e.message));
  }
}
