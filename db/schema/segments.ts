// Owned by the segments work; filled in by its service.
export {};
