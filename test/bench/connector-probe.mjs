// Loaded into the connector process by the benchmark only (NODE_OPTIONS=--import …/connector-probe.mjs, with
// TPC_BENCH_PROBE_FILE set): every TPC_BENCH_PROBE_MS (default 10 s) it appends one JSON line with the process's
// memory and CPU, and the heap still in use after a full garbage collection (the live set, which is what a leak
// grows; heapUsed between collections also counts garbage not yet collected). Nothing here runs in production.
import { appendFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

const file = process.env.TPC_BENCH_PROBE_FILE;
if (file) {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc');
  const every = Number(process.env.TPC_BENCH_PROBE_MS ?? 10_000);
  const t0 = performance.now();
  const sample = () => {
    const before = process.memoryUsage();
    const cpu = process.cpuUsage();
    gc();
    const after = process.memoryUsage();
    appendFileSync(file, `${JSON.stringify({ t: (performance.now() - t0) / 1000, heapUsed: before.heapUsed, heapLive: after.heapUsed, rss: after.rss, external: after.external, arrayBuffers: after.arrayBuffers, cpuUser: cpu.user, cpuSystem: cpu.system, pid: process.pid })}\n`);
  };
  setInterval(sample, every).unref();
}

// CPU profile on demand (TPC_BENCH_CPU_PROF_DIR set): the first SIGWINCH starts the profiler, the next writes
// `<dir>/connector-<pid>-<n>.cpuprofile` (Chrome DevTools format) and stops it. --cpu-prof is refused in NODE_OPTIONS.
const profDir = process.env.TPC_BENCH_CPU_PROF_DIR;
if (profDir) {
  const { Session } = await import('node:inspector');
  const { writeFileSync } = await import('node:fs');
  const session = new Session();
  session.connect();
  let on = false;
  let n = 0;
  // With TPC_BENCH_ALLOC_PROF=1 the same signal samples allocations instead (`.heapprofile`, one sample per 16 KiB
  // allocated, objects collected since included): which code makes the garbage the collector then spends time on.
  const alloc = process.env.TPC_BENCH_ALLOC_PROF === '1';
  process.on('SIGWINCH', () => {
    if (!on) {
      on = true;
      if (alloc) session.post('HeapProfiler.enable', () => session.post('HeapProfiler.startSampling', { samplingInterval: 16_384, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true }));
      else session.post('Profiler.enable', () => session.post('Profiler.setSamplingInterval', { interval: 200 }, () => session.post('Profiler.start')));
      return;
    }
    on = false;
    if (alloc) {
      session.post('HeapProfiler.stopSampling', (err, res) => {
        if (!err) writeFileSync(`${profDir}/connector-${process.pid}-${++n}.heapprofile`, JSON.stringify(res.profile));
      });
      return;
    }
    session.post('Profiler.stop', (err, res) => {
      if (!err) writeFileSync(`${profDir}/connector-${process.pid}-${++n}.cpuprofile`, JSON.stringify(res.profile));
    });
  });
}
