// jsroot ships no types for its io module; src/io/root-hist.ts is the typed boundary.
declare module "jsroot/io";
