import type { Logger } from '../types';

const noop = (): void => {};

/** The default logger: says nothing. Pass your own (pino, winston, console) to the loader. */
export const silentLogger: Logger = { debug: noop, info: noop, warn: noop, error: noop };
