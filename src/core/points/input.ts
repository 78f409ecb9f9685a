import { z } from 'zod';

/** Shared pieces of the points service inputs. */
export const pointsAmount = z.number().int('must be a whole number of points').min(1, 'must be at least 1').max(1_000_000_000_000);
export const idempotencyKey = z.string().trim().min(1, 'is required').max(200);
export const reasonText = z.string().trim().min(1).max(500);
export const referenceText = z.string().trim().min(1).max(200);
export const id = z.string().min(1).max(100);
