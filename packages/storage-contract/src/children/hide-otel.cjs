// Preloaded with --require in a child (see areas/tracing.ts): makes `@opentelemetry/api`
// unresolvable, as in an app that never installed the optional peer. Core loads the API through
// `require` (createRequire) in both of its builds, so failing the resolution here is exactly what
// such an app's Node does: a MODULE_NOT_FOUND error.
const Module = require('node:module');

const resolve = Module._resolveFilename;
Module._resolveFilename = function resolveWithoutOtel(request, ...rest) {
  if (request === '@opentelemetry/api' || request.startsWith('@opentelemetry/api/')) {
    const err = new Error(`Cannot find module '${request}'`);
    err.code = 'MODULE_NOT_FOUND';
    throw err;
  }
  return resolve.call(this, request, ...rest);
};
