/** The zones of eslint-zones.js, for test/lint/zones.test.ts. */
export declare const ZONES: { target: string | string[]; from: string | string[]; except?: string[]; message: string }[];
