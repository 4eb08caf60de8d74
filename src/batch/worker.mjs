// Worker-thread bootstrap: tsx cannot load a .ts worker on Node 20 by itself (STACK.md), so
// this plain module registers it and then runs the TypeScript worker loop.
import { register } from "tsx/esm/api";
register();
await import("./worker-loop.ts");
