import { defineConfig } from 'drizzle-kit';

// Migrations are generated from db/schema and committed; db/migrate.ts applies them at boot.
export default defineConfig({
  dialect: 'postgresql',
  schema: './db/schema/index.ts',
  out: './db/migrations',
  strict: true,
  verbose: true,
});
