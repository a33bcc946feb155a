// Timing of one client run, from the first event to the last: wall-clock time and the CPU time the
// whole process used (main thread, zlib's thread pool, GC), so "events/s on one core" does not
// depend on what else the shared machine runs at that moment. The kernel's share of it and the
// minor page faults (memory touched for the first time) are reported beside it: on this VM a
// fault costs microseconds, so a side that keeps what it receives pays for the memory it touches.
export function startMeter() {
  const wall = performance.now();
  const usage = process.resourceUsage();
  return (events) => {
    const wallS = (performance.now() - wall) / 1000;
    const used = process.resourceUsage();
    const userS = (used.userCPUTime - usage.userCPUTime) / 1e6;
    const systemS = (used.systemCPUTime - usage.systemCPUTime) / 1e6;
    const cpuS = userS + systemS;
    const pageFaults = used.minorPageFault - usage.minorPageFault;
    return {
      events,
      wallS,
      cpuS,
      systemS,
      pageFaults,
      eventsPerSec: events / wallS,
      eventsPerCpuSec: events / cpuS,
    };
  };
}
