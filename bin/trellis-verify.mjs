#!/usr/bin/env node
// Runs the TypeScript verifier through tsx, so the command works from a clone after `npm install`.
import { register } from 'tsx/esm/api';

register();
await import('../src/transparency/verifier/main.ts');
