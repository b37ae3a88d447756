import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'sqlite',
  schema: './main/library/db/schema.ts',
  out: './main/library/db/migrations',
});
