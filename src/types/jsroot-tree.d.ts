// jsroot's TTree module (TSelector, treeProcess) ships no types; src/io/event-table.ts is the typed boundary.
declare module "jsroot/tree";
