// Owned by the imports work; filled in by its service.
export {};
