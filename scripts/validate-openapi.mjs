#!/usr/bin/env node
// Validates an OpenAPI document file with two independent validators: swagger-parser and the
// OpenAPI 3.1 JSON Schema validator (@seriousme/openapi-schema-validator). Prints one line per
// validator; exits 1 when either refuses it. Usage: node scripts/validate-openapi.mjs FILE
import { readFileSync } from 'node:fs';
import SwaggerParser from '@apidevtools/swagger-parser';
import { Validator } from '@seriousme/openapi-schema-validator';

const file = process.argv[2];
if (!file) {
  console.error('usage: node scripts/validate-openapi.mjs FILE');
  process.exit(2);
}
const document = JSON.parse(readFileSync(file, 'utf8'));
let failed = false;
try {
  await SwaggerParser.validate(structuredClone(document));
  console.log('swagger-parser: valid');
} catch (err) {
  failed = true;
  console.log(`swagger-parser: invalid: ${err.message}`);
}
const result = await new Validator().validate(structuredClone(document));
if (result.valid) {
  console.log('openapi-schema-validator: valid');
} else {
  failed = true;
  console.log(`openapi-schema-validator: invalid: ${JSON.stringify(result.errors)}`);
}
process.exit(failed ? 1 : 0);
