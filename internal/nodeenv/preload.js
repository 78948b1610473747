// multiregion's preload for the jsii kernel's Node.js (node --require), set
// up by internal/nodeenv; see README.md, "Speed". It changes how fast a
// synth runs, never what it writes (a test compares the output with and
// without it). MULTIREGION_JSII_PRELOAD=debug reports what it did on stderr.
//
// 1. Lazy provider bundle. The index.js of a prebuilt CDKTF provider bundle
// (@cdktf/provider-*) requires all ~2,000 resource modules of the provider up
// front, although an app uses a few dozen: about 2 s and 400 MB per synth.
// Each `exports.name = require("./dir");` line of that file becomes a getter
// that requires the module on first access and then replaces itself with the
// plain value, so the exports object ends as the eager file leaves it. Every
// line of the file must have a known shape, otherwise the file is compiled
// unmodified (eager, exactly as without the preload).
//
// 2. No JavaScript creation stacks. cdktf captures and formats a full stack
// trace for every token it creates (about a quarter of a millisecond per
// resource) only to show it in error messages. In an app driven through
// jsii those frames are the kernel's, never the Go code's, so they are
// dropped: captureStackTrace returns no frames.
//
// 3. Node 22+ warns about util.isArray, which cdktf's TerraformOutput calls
// on every synth; neither users nor we can act on it (cdktf is archived).
'use strict';
const Module = require('module');

const bundleIndex = /[\\/]@cdktf[\\/]provider-[a-z0-9-]+[\\/]lib[\\/]index\.js$/;
const stackTrace = /[\\/]cdktf[\\/]lib[\\/]tokens[\\/]private[\\/]stack-trace\.js$/;
const requireLine = /^exports\.([A-Za-z_$][\w$]*) = require\("(\.\/[\w.\/-]+)"\);$/;
const knownLines = [
  /^$/,
  /^"use strict";$/,
  /^\/\*\*$/, /^ \*( .*)?$/, /^ \*\/$/, /^\/\/.*$/,
  /^Object\.defineProperty\(exports, "__esModule", \{ value: true \}\);$/,
  /^exports\.[A-Za-z_$][\w$]*( = exports\.[A-Za-z_$][\w$]*)* = void 0;$/,
];
const helper = '__multiregionLazy';
const debug = process.env.MULTIREGION_JSII_PRELOAD === 'debug';

function report(msg) {
  if (debug) process.stderr.write(`multiregion: jsii preload (node ${process.version}, pid ${process.pid}): ${msg}\n`);
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

const emitWarning = process.emitWarning;
process.emitWarning = function (warning, ...rest) {
  const code = typeof rest[0] === 'object' && rest[0] !== null ? rest[0].code : rest[1];
  if (code === 'DEP0044') return;
  return emitWarning.call(this, warning, ...rest);
};

const compile = Module.prototype._compile;
if (typeof compile !== 'function') {
  report('this Node.js has no Module.prototype._compile: nothing changed');
} else {
  Module.prototype._compile = function (content, filename) {
    if (typeof content === 'string' && typeof filename === 'string' && bundleIndex.test(filename)) {
      const out = lazify(content);
      if (out.error) {
        report(`${filename}: ${out.error}: loading it eagerly (unmodified)`);
      } else {
        report(`${filename}: ${out.lazy} exports made lazy`);
        content = out.source;
      }
    }
    const result = compile.call(this, content, filename);
    if (typeof filename === 'string' && stackTrace.test(filename)) {
      const d = this.exports && Object.getOwnPropertyDescriptor(this.exports, 'captureStackTrace');
      if (d && d.writable && typeof d.value === 'function') {
        this.exports.captureStackTrace = function captureStackTrace() { return []; };
        report(`${filename}: creation stacks off`);
      } else {
        report(`${filename}: captureStackTrace is not a plain function export: creation stacks stay on`);
      }
    }
    return result;
  };
}

module.exports = { lazify };

// 4. No relay process. Stock jsii starts two Node.js processes: a relay
// (bin/jsii-runtime.js) that gives the kernel (lib/program.js) its API channel
// on fd 3 and wraps the kernel's console output into JSON lines on stderr,
// and the kernel. nodeenv may start the kernel directly instead
// (MULTIREGION_JSII_DIRECT=1 through JSII_RUNTIME): then the kernel's API
// channel is its stdin and stdout, and its console output reaches the Go side
// as the relay would have wrapped it. That saves a Node.js start and the
// relay's own bundle.
if (process.env.MULTIREGION_JSII_DIRECT === '1' && /[\\/]lib[\\/]program\.js$/.test(process.argv[1] || '')) {
  const fs = require('fs');
  const readSync = fs.readSync, writeSync = fs.writeSync;
  const channel = 3;
  const wrap = (key, chunk, encoding) => {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk), typeof encoding === 'string' ? encoding : 'utf8');
    writeSync.call(fs, 2, JSON.stringify({ [key]: buf.toString('base64') }) + '\n');
  };
  fs.readSync = function (fd, ...rest) {
    return readSync.call(this, fd === channel ? 0 : fd, ...rest);
  };
  fs.writeSync = function (fd, data, ...rest) {
    if (fd === channel) return writeSync.call(this, 1, data, ...rest);
    if (fd === 2 || fd === 1) {
      // The kernel's own error lines (SyncStdio on fd 2), as the relay wraps them.
      const buf = Buffer.isBuffer(data) ? data.subarray(rest[0] || 0) : data;
      wrap(fd === 1 ? 'stdout' : 'stderr', buf);
      return Buffer.isBuffer(data) ? data.length - (rest[0] || 0) : Buffer.byteLength(String(data));
    }
    return writeSync.call(this, fd, data, ...rest);
  };
  for (const [stream, key] of [[process.stdout, 'stdout'], [process.stderr, 'stderr']]) {
    stream.write = function (chunk, encoding, cb) {
      if (typeof encoding === 'function') { cb = encoding; encoding = undefined; }
      wrap(key, chunk, encoding);
      if (typeof cb === 'function') process.nextTick(cb);
      return true;
    };
  }
  report('kernel started directly: API channel on stdin/stdout, no relay process');
}
