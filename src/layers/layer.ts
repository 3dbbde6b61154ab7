import { Construct } from 'constructs';

const LAYER = Symbol.for('webapp.Layer');

/**
 * A group of modules that reads like one box of the architecture diagram (edge, compute,
 * monitoring...). Layers are for reading only: they take no part in Terraform addresses (see
 * WebAppStack.allocateLogicalId), so grouping or regrouping modules never renames, and so never
 * replaces, a deployed resource.
 */
export abstract class Layer extends Construct {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    Object.defineProperty(this, LAYER, { value: true });
  }

  static isLayer(x: unknown): x is Layer {
    return typeof x === 'object' && x !== null && (x as Record<symbol, unknown>)[LAYER] === true;
  }
}
