// Types for setup.mjs, so the TypeScript tests can import it under strict mode.
export declare const prometheusPath: string;
export declare function ensurePrometheus(quiet?: boolean): string;
