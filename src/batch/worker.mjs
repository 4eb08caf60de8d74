// Worker-thread bootstrap when running from the sources: tsx cannot load a .ts worker on Node 20
// by itself (STACK.md), so this plain module registers it and then runs the TypeScript worker
// loop. The compiled package starts dist/batch/worker-loop.js directly (pool.ts), without tsx.
import { register } from "tsx/esm/api";
register();
await import("./worker-loop.ts");
