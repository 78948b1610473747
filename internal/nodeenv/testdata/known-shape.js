// Run by TestLazyKnownShape with the preload: PKG is a fake provider bundle
// of the known shape, EAGER the same files under a name the hook ignores.
'use strict';
const assert = require('assert');
const fs = require('fs');
const { PKG, EAGER, PRELOAD } = process.env;

const lazy = require(PKG);
assert.strictEqual(globalThis.loaded, undefined, 'requiring the index must load no module');
const eager = require(EAGER);
assert.deepStrictEqual(globalThis.loaded, ['vpc', 'vpcPeeringConnection', 'provider']);
globalThis.loaded = [];

assert.deepStrictEqual(Object.keys(lazy), Object.keys(eager), 'same keys in the same order');
assert.strictEqual(lazy.__esModule, true);
assert.strictEqual(typeof lazy.vpcPeeringConnection.Thing, 'function');
assert.strictEqual(lazy.vpcPeeringConnection, require(PKG + '/lib/vpc-peering-connection'), 'the same module object');
assert.deepStrictEqual(globalThis.loaded, ['vpcPeeringConnection'], 'only the used module loads');
const flags = (o, k) => { const { value, ...rest } = Object.getOwnPropertyDescriptor(o, k); return rest; };
assert.deepStrictEqual(flags(lazy, 'vpcPeeringConnection'), flags(eager, 'vpcPeeringConnection'), 'a plain data property once used');

lazy.provider = 42; // assignable like the original, without loading
assert.strictEqual(lazy.provider, 42);
assert.deepStrictEqual(globalThis.loaded, ['vpcPeeringConnection']);
assert.deepStrictEqual(Object.keys(lazy), Object.keys(eager));

const { lazify } = require(PRELOAD);
const original = fs.readFileSync(PKG + '/lib/index.js', 'utf8');
const out = lazify(original);
assert.ok(out.source.startsWith('"use strict"; '), '"use strict" must stay the first statement');
assert.strictEqual(out.source.split('\n').length, original.split('\n').length, 'line numbers must not move');
console.log('ok');
