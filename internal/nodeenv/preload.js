// multiregion's preload for the jsii kernel's Node.js (node --require), set
// up by internal/nodeenv; see README.md, "Speed".
//
// The index.js of a prebuilt CDKTF provider bundle (@cdktf/provider-*)
// requires all of the provider's ~2,000 resource modules up front, although
// an app uses a few dozen: about 2 s and 400 MB per synth. This hook rewrites
// each `exports.name = require("./dir");` line of that file into a getter
// that requires the module on first access and then replaces itself with the
// plain value, so the exports object ends as the eager file leaves it. Every
// line of the file must have a known shape, otherwise the file is compiled
// unmodified (eager, exactly as without the hook).
//
// MULTIREGION_LAZY_PROVIDER=debug reports what the hook did on stderr.
'use strict';
const Module = require('module');

const target = /[\\/]@cdktf[\\/]provider-[a-z0-9-]+[\\/]lib[\\/]index\.js$/;
const requireLine = /^exports\.([A-Za-z_$][\w$]*) = require\("(\.\/[\w.\/-]+)"\);$/;
const knownLines = [
  /^$/,
  /^"use strict";$/,
  /^\/\*\*$/, /^ \*( .*)?$/, /^ \*\/$/, /^\/\/.*$/,
  /^Object\.defineProperty\(exports, "__esModule", \{ value: true \}\);$/,
  /^exports\.[A-Za-z_$][\w$]*( = exports\.[A-Za-z_$][\w$]*)* = void 0;$/,
];
const helper = '__multiregionLazy';
const debug = process.env.MULTIREGION_LAZY_PROVIDER === 'debug';

function report(msg) {
  if (debug) process.stderr.write(`multiregion: lazy provider (node ${process.version}, pid ${process.pid}): ${msg}\n`);
}

// lazify returns {source, lazy} with the rewritten source, or {error}
// naming why the file is not of the known shape. The line count stays the
// same, so stack traces keep their line numbers.
function lazify(source) {
  const lines = source.split('\n');
  if (lines[0].replace(/\r$/, '') !== '"use strict";') {
    return { error: 'line 1 is not "use strict";' };
  }
  let lazy = 0;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i].replace(/\r$/, '');
    const m = requireLine.exec(line);
    if (m) {
      lines[i] = `${helper}(${JSON.stringify(m[1])}, () => require(${JSON.stringify(m[2])}));`;
      lazy++;
    } else if (!knownLines.some((re) => re.test(line))) {
      return { error: `line ${i + 1} has an unknown shape: ${line.slice(0, 100)}` };
    }
  }
  if (lazy === 0) return { error: 'no `exports.x = require("./x");` lines' };
  // Appended to the directive line, so "use strict" stays the first statement;
  // the declaration is hoisted. Once loaded, the export is the same writable,
  // enumerable, configurable data property that `exports.x = ...` creates.
  lines[0] = '"use strict"; ' +
    `function ${helper}(name, load) {` +
    ' const set = (value) => Object.defineProperty(exports, name, { value, enumerable: true, writable: true, configurable: true });' +
    ' Object.defineProperty(exports, name, { enumerable: true, configurable: true,' +
    ' get() { const value = load(); set(value); return value; }, set }); }';
  return { source: lines.join('\n'), lazy };
}

// Node 22+ warns about util.isArray, which cdktf's TerraformOutput calls on
// every synth; neither users nor we can act on it (cdktf is archived).
const emitWarning = process.emitWarning;
process.emitWarning = function (warning, ...rest) {
  const code = typeof rest[0] === 'object' && rest[0] !== null ? rest[0].code : rest[1];
  if (code === 'DEP0044') return;
  return emitWarning.call(this, warning, ...rest);
};

const compile = Module.prototype._compile;
if (typeof compile !== 'function') {
  report('this Node.js has no Module.prototype._compile: provider bundles load eagerly');
} else {
  Module.prototype._compile = function (content, filename) {
    if (typeof content === 'string' && typeof filename === 'string' && target.test(filename)) {
      const out = lazify(content);
      if (out.error) {
        report(`${filename}: ${out.error}: loading it eagerly (unmodified)`);
      } else {
        report(`${filename}: ${out.lazy} exports made lazy`);
        content = out.source;
      }
    }
    return compile.call(this, content, filename);
  };
}

module.exports = { lazify };
