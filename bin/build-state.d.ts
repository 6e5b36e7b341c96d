export declare const BUILD_STAMP: string;
export declare function newestSourceTime(root: string): number;
export declare function buildState(root: string): "fresh" | "stale" | "missing";
