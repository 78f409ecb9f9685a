// Owned by the points work; filled in by its service.
export {};
