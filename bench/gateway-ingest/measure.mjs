// Timing of one client run, from the first event to the last: wall-clock time and the CPU time the
// whole process used (main thread, zlib's thread pool, GC), so "events/s on one core" does not
// depend on what else the shared machine runs at that moment.
export function startMeter() {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  return (events) => {
    const wallS = (performance.now() - wall) / 1000;
    const used = process.cpuUsage(cpu);
    const cpuS = (used.user + used.system) / 1e6;
    return { events, wallS, cpuS, eventsPerSec: events / wallS, eventsPerCpuSec: events / cpuS };
  };
}
