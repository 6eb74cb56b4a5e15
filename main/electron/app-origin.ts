/** The renderer is served from this origin, never from file://. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'plantdesk';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;
