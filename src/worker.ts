import { loadConfigOrExit } from './config.js';
import { closeRuntime, createRuntime, onShutdownSignal } from './runtime.js';

// Job workers without the HTTP server, so API and workers scale apart (`npm run worker`).
const config = loadConfigOrExit();
const rt = await createRuntime(config);
if (!config.REDIS_URL) {
  rt.logger.warn('REDIS_URL is not set: this worker only runs scheduled jobs of its own embedded database');
}
await rt.jobs.startWorkers();
rt.logger.info({ jobs: rt.jobs.kind }, 'workers started');
onShutdownSignal(rt.logger, config.SHUTDOWN_TIMEOUT_MS, () => closeRuntime(rt));
