// Every adapter method, by the name a config gives it. A new method: its descriptor file here, its module in
// ../modules/, one line in this list and one in ../modules/index.ts (the types make a missing line a compile error),
// and its options in schemas/adapterlab.schema.json (test/config checks the schema against this list).
import { arc } from './arc';
import { houlsby, parallel, pfeiffer } from './bottleneck';
import type { MethodDescriptor } from './descriptor';
import { ia3, lora } from './lowRank';
import { kAdapter } from './kAdapter';
import { prefix } from './prefix';
import { vera } from './vera';

export const METHODS = { houlsby, pfeiffer, parallel, lora, ia3, arc, prefix, vera, 'k-adapter': kAdapter } as const;

export type AdapterMethod = keyof typeof METHODS;
export type OptionsOf<M extends AdapterMethod> = (typeof METHODS)[M] extends MethodDescriptor<infer O> ? O : never;

export const DEFAULT_METHOD: AdapterMethod = 'houlsby';
export const ADAPTER_METHODS = Object.keys(METHODS) as AdapterMethod[];

export function isAdapterMethod(method: unknown): method is AdapterMethod {
  return typeof method === 'string' && Object.hasOwn(METHODS, method);
}

/** The descriptor of a method, typed loosely for code that handles every method alike. */
export function descriptorOf(method: AdapterMethod): Omit<MethodDescriptor<object>, 'options'> & { options: readonly string[] } {
  return METHODS[method] as unknown as Omit<MethodDescriptor<object>, 'options'> & { options: readonly string[] };
}
