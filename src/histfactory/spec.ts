// TypeScript view of the pyhf JSON format, schema version 1.0.0 (workspace, model, measurement).
// Validation against the JSON schemas happens before these types are trusted.

export type ModifierType = "normfactor" | "shapefactor" | "normsys" | "histosys" | "shapesys" | "staterror" | "lumi";

export interface NormsysData { hi: number; lo: number }
export interface HistosysData { hi_data: number[]; lo_data: number[] }

export type Modifier =
  | { name: string; type: "normfactor"; data: null }
  | { name: string; type: "shapefactor"; data: null }
  | { name: string; type: "lumi"; data: null }
  | { name: string; type: "normsys"; data: NormsysData }
  | { name: string; type: "histosys"; data: HistosysData }
  | { name: string; type: "shapesys"; data: number[] }
  | { name: string; type: "staterror"; data: number[] };

export interface Sample { name: string; data: number[]; modifiers: Modifier[] }
export interface Channel { name: string; samples: Sample[] }
export interface Observation { name: string; data: number[] }

export interface ParameterConfig {
  name: string;
  inits?: number[];
  bounds?: [number, number][];
  auxdata?: number[];
  factors?: number[];
  sigmas?: number[];
  fixed?: boolean;
}

export interface Measurement {
  name: string;
  config: { poi: string; parameters: ParameterConfig[] };
}

export interface WorkspaceSpec {
  channels: Channel[];
  measurements: Measurement[];
  observations: Observation[];
  version: string;
}
