'use strict';
/**
 * Reads manifest files strictly: duplicate keys, and plain yes/no/on/off (booleans to the YAML
 * 1.1 parser inside kubectl, strings to YAML 1.2), are errors.
 */

const fs = require('node:fs');
const { fail, rel, missingPackages } = require('./report');

let YAML;
try {
  YAML = require('yaml');
} catch {
  missingPackages(['yaml']);
}

const YAML11_BOOLEANS = /^(y|yes|n|no|on|off)$/i;

/** Every document of a YAML file as plain JS, with the file name kept for messages. */
function readYamlFile(file) {
  const text = fs.readFileSync(file, 'utf8');
  const docs = YAML.parseAllDocuments(text, { uniqueKeys: true, prettyErrors: true });
  const objects = [];
  for (const doc of docs) {
    for (const err of doc.errors) {
      fail(rel(file), `YAML: ${err.message}`);
    }
    YAML.visit(doc, {
      Scalar(_key, node) {
        if (
          node.type === 'PLAIN' &&
          typeof node.value === 'string' &&
          YAML11_BOOLEANS.test(node.value)
        ) {
          const line = node.range ? text.slice(0, node.range[0]).split('\n').length : '?';
          fail(
            `${rel(file)}:${line}`,
            `plain "${node.value}" is a boolean to YAML 1.1 parsers (kubectl): quote it`,
          );
        }
      },
    });
    const value = doc.toJS();
    if (value !== null && value !== undefined) {
      objects.push({ object: value, file });
    }
  }
  return objects;
}

module.exports = { YAML, readYamlFile };
