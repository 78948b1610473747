// Run by TestCreationStacks with the preload: PLAIN is a cdktf-like
// stack-trace module exporting a plain function, GETTER one re-exporting it
// through a getter (a shape the preload must leave alone).
'use strict';
const assert = require('assert');
const plain = require(process.env.PLAIN);
assert.deepStrictEqual(plain.captureStackTrace(), [], 'plain export: no frames');
const getter = require(process.env.GETTER);
assert.ok(getter.captureStackTrace().length > 0, 'getter export: left alone, frames captured');
console.log('ok');
