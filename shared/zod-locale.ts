import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

/**
 * zod/mini (our schemas: lighter to load than zod classic, docs/PERFORMANCE.md figure 1) ships without
 * a locale, so every issue would read "Invalid input". This sets zod's English messages, as zod classic
 * does on its own: the problem+json `errors[].message` clients see stay the same. Imported by every
 * module that defines or runs schemas (shared/http/schemas/common.ts, validation, config).
 */
config(en());
