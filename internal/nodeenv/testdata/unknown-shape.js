// Run by TestUnknownShapeLoadsEagerly with the preload: PKG is a fake
// provider bundle whose index.js has a line of an unknown shape.
'use strict';
const assert = require('assert');
const pkg = require(process.env.PKG);
assert.deepStrictEqual(globalThis.loaded, ['vpc', 'vpcPeeringConnection', 'provider'], 'unknown shape: everything loads eagerly');
assert.strictEqual(typeof pkg.vpc.Thing, 'function');
assert.strictEqual(pkg.extra, 2);
console.log('ok');
