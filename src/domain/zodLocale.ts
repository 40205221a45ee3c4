/**
 * zod/mini loads no locale: without one, every built-in message reads "Invalid input". Imported
 * for this effect by each extension module that shows zod's messages (store, commandIds, formView).
 * Like classic zod, it sets English only when no locale is set yet: zod's config is shared through
 * `globalThis`. The webview shows no zod message, so its bundle leaves the locale out.
 */
import { en } from 'zod/locales';
import * as z from 'zod/mini';

if (!z.config().localeError) z.config(en());
