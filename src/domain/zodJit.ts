/**
 * `z.object` for the schemas parsed in bulk (every stored ticket and run, at activation): the same
 * schema on zod's JIT-compiled object parser (`$ZodObjectJIT`, what classic `z.object` uses),
 * kept behind zod/mini's API. The results and issues are zod's own, unchanged (unit test); in
 * Node it parses an object about 5× faster. Where `new Function` is not allowed zod falls back to
 * the plain parser by itself. Host only: the form's CSP forbids eval, so the webview keeps `z.object`.
 * Pure: no `vscode` import.
 */
import * as z from 'zod/mini';
// Named imports: reaching them through `z.core` would bundle all of zod's core.
import { $constructor, $ZodObjectJIT, type $ZodLooseShape, type $ZodObject, type $ZodObjectDef, type $strict, type $strip } from 'zod/v4/core';

// zod's `init`s have assertion signatures, which TypeScript calls only through a declared type.
type Init = (inst: never, def: never) => void;

const JitObject = /* @__PURE__ */ $constructor('SdlcJitObject', (inst: $ZodObject, def: $ZodObjectDef) => {
  // Read here, not at module level: a top-level read would keep the JIT in bundles that never use it (the form's).
  const initJit: Init = $ZodObjectJIT.init;
  const initMini: Init = z.ZodMiniType.init;
  initJit(inst as never, def as never);
  initMini(inst as never, def as never);
  // zod/mini's `shape`, as ZodMiniObject has it (z.extend and z.omit read the def, not this).
  Object.defineProperty(inst, 'shape', { get: () => def.shape, configurable: true });
});

/** `z.object(shape)`, parsed by zod's JIT-compiled object parser. */
export function jitObject<const S extends $ZodLooseShape>(shape: S): z.ZodMiniObject<S, $strip> {
  return new JitObject({ type: 'object', shape }) as unknown as z.ZodMiniObject<S, $strip>;
}

/** `z.strictObject(shape)` (an unknown key is an issue, not dropped), on the same parser. */
export function jitStrictObject<const S extends $ZodLooseShape>(shape: S): z.ZodMiniObject<S, $strict> {
  return new JitObject({ type: 'object', shape, catchall: z.never() }) as unknown as z.ZodMiniObject<S, $strict>;
}
