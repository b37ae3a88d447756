// Preloaded (execArgv --import) into worker threads when running from the TypeScript sources.
// `--import tsx` alone is not enough: tsx does not install its loader inside worker threads on Node 20.
import { register } from 'tsx/esm/api';

register();
