/**
 * The demo plant: one site, three sections, eight areas, two units each, and equipment tags in
 * the usual ISA-5.1-like style (P = pump, V = vessel, TK = tank, HX = heat exchanger, ...).
 */
export const DEMO_SITE = { name: 'Northfield Works', timeZone: 'America/Chicago' };

export interface AreaPlan {
  name: string;
  tagPrefixes: string[];
  units: string[];
}

export const DEMO_SECTIONS: { name: string; areas: AreaPlan[] }[] = [
  {
    name: 'Utilities',
    areas: [
      { name: 'Boiler House', tagPrefixes: ['B', 'P', 'FV', 'PT', 'TT'], units: ['Boiler 1', 'Boiler 2'] },
      { name: 'Cooling Water', tagPrefixes: ['CT', 'P', 'HX', 'FT', 'LT'], units: ['Cooling Tower A', 'Cooling Tower B'] },
      { name: 'Compressed Air', tagPrefixes: ['K', 'D', 'V', 'PT', 'PSV'], units: ['Compressor Train 1', 'Compressor Train 2'] },
    ],
  },
  {
    name: 'Process',
    areas: [
      { name: 'Reactor Hall', tagPrefixes: ['R', 'AG', 'HX', 'TT', 'PSV'], units: ['Reactor R-100', 'Reactor R-200'] },
      { name: 'Distillation', tagPrefixes: ['C', 'E', 'P', 'FT', 'LT'], units: ['Column C-300', 'Column C-400'] },
      { name: 'Tank Farm', tagPrefixes: ['TK', 'P', 'LT', 'XV', 'MOV'], units: ['North Bund', 'South Bund'] },
    ],
  },
  {
    name: 'Packaging & Shipping',
    areas: [
      { name: 'Filling Line', tagPrefixes: ['FL', 'CV', 'M', 'WS', 'PLC'], units: ['Line 1', 'Line 2'] },
      { name: 'Warehouse', tagPrefixes: ['FLT', 'DR', 'RK', 'SC', 'DK'], units: ['High Bay', 'Loading Dock'] },
    ],
  },
];

/** Operators who author entries but never sign in (no password): realistic authorship. */
export const DEMO_OPERATORS = [
  'Maria Kowalski', 'James Okafor', 'Linh Tran', 'Diego Ramirez', 'Aisha Bello', 'Tom Lindqvist',
  'Priya Nair', 'Kevin O\'Brien', 'Sofia Rossi', 'Daniel Weber', 'Grace Mensah', 'Hiro Tanaka',
];
