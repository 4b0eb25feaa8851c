/**
 * Preloaded (`node -r`) into a benched process by bench:compare's BENCH_PROFILE: each SIGUSR2
 * toggles V8's CPU profiler, so the bench profiles one window of load and not start-up. The
 * second signal writes the profile to `BENCH_PROFILE_OUT` (a `.cpuprofile` file), then to
 * `<BENCH_PROFILE_OUT>.done` to say it is complete. Nothing else of the process is touched.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

const out = process.env.BENCH_PROFILE_OUT;
const SAMPLING_INTERVAL_US = 200;

if (out) {
  const session = new Session();
  session.connect();
  let running = false;
  process.on('SIGUSR2', () => {
    if (!running) {
      running = true;
      session.post('Profiler.enable', () =>
        session.post('Profiler.setSamplingInterval', { interval: SAMPLING_INTERVAL_US }, () =>
          session.post('Profiler.start'),
        ),
      );
      return;
    }
    running = false;
    session.post('Profiler.stop', (err, result) => {
      writeFileSync(out, err ? '' : JSON.stringify(result.profile));
      writeFileSync(`${out}.done`, err ? err.message : 'ok');
    });
  });
}
