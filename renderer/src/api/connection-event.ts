/** The window event serve mode's browser client fires when its socket opens or is lost (`detail.online`). */
export const CONNECTION_EVENT = 'mediaparser:connection';
