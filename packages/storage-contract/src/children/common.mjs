/**
 * Shared by the child scripts (plain Node, no TypeScript): reopens the storage a descriptor names
 * and speaks the small IPC protocol of `fork.ts`:
 *   parent -> child  { type: 'start', input }   then, once every child is ready, { type: 'go' }
 *   child -> parent  { type: 'ready' }, then { type: 'done', report } or { type: 'error', error }
 * The go message lines the children up, so their work overlaps as much as it can.
 * @internal
 */

/** Imports the descriptor's module and reopens the storage through its `fromDescriptor`. */
export async function openFromDescriptor(descriptor) {
  const mod = await import(descriptor.moduleUrl);
  const factory = mod[descriptor.exportName];
  if (!factory || typeof factory.fromDescriptor !== 'function') {
    throw new Error(`${descriptor.moduleUrl} has no export "${descriptor.exportName}" with a static fromDescriptor()`);
  }
  return await factory.fromDescriptor(descriptor.options);
}

/** The fields of an error that survive JSON: what the parent asserts on. */
export function errorInfo(err) {
  return {
    name: err?.name ?? 'Error',
    message: err?.message ?? String(err),
    code: err?.code ?? null,
    stack: err?.stack ?? null,
  };
}

function nextMessage(type) {
  return new Promise((resolve) => {
    const onMessage = (message) => {
      if (message?.type !== type) return;
      process.off('message', onMessage);
      resolve(message);
    };
    process.on('message', onMessage);
  });
}

function send(message) {
  return new Promise((resolve) => process.send(message, () => resolve()));
}

/**
 * Runs a child: `setup(input)` before the go signal (open connections there), `run(context)` after
 * it; `run` returns the JSON report. `close(context)` runs last, whatever happened.
 */
export async function runChild({ setup, run, close }) {
  let context;
  try {
    const { input } = await nextMessage('start');
    context = await setup(input);
    const go = nextMessage('go');
    await send({ type: 'ready' });
    await go;
    const report = await run(context);
    await close?.(context);
    await send({ type: 'done', report });
    process.exit(0);
  } catch (err) {
    try {
      if (context) await close?.(context);
    } catch {
      // The first error is the one worth reporting.
    }
    await send({ type: 'error', error: errorInfo(err) });
    process.exit(1);
  }
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
