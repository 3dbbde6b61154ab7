import { z } from 'zod';

// Each environment is parsed once per synth: compiling zod's fast path (new Function per schema)
// costs more than it saves there. Set before any schema is built (zod reads it when a schema is
// created), so every schema module imports zod from here.
z.config({ jitless: true });

export { z };

// Short names for the schema modules. Whole-number rules (and their messages) are in the
// validators: the schema only says "a number".
export const str = () => z.string();
export const int = () => z.number();
export const bool = () => z.boolean();
export const strings = () => z.array(z.string());
export const stringMap = () => z.record(z.string(), z.string());
