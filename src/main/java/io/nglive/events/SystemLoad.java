package io.nglive.events;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import oshi.SystemInfo;
import oshi.hardware.CentralProcessor;
import oshi.hardware.GlobalMemory;

/** CPU, memory and the works path's disk, as the heartbeat reports them. CPU load is measured between two calls. */
public final class SystemLoad {

    private final CentralProcessor cpu;
    private final GlobalMemory memory;
    private final Path disk;
    private long[] ticks;

    public SystemLoad(Path disk) {
        SystemInfo system = new SystemInfo();
        this.cpu = system.getHardware().getProcessor();
        this.memory = system.getHardware().getMemory();
        this.disk = disk;
        this.ticks = cpu.getSystemCpuLoadTicks();
    }

    public synchronized Map<String, Object> cpu() {
        double load = cpu.getSystemCpuLoadBetweenTicks(ticks);
        ticks = cpu.getSystemCpuLoadTicks();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("percent", round(load * 100));
        out.put("cores", cpu.getLogicalProcessorCount());
        return out;
    }

    public Map<String, Object> memory() {
        long total = memory.getTotal();
        long used = total - memory.getAvailable();
        return usage(total, used, total - used);
    }

    public Map<String, Object> disk() {
        try {
            FileStore store = Files.getFileStore(disk);
            long total = store.getTotalSpace();
            long free = store.getUsableSpace();
            Map<String, Object> out = usage(total, total - free, free);
            out.put("path", disk.toString());
            return out;
        } catch (IOException e) {
            return Map.of("path", disk.toString(), "error", e.getMessage());
        }
    }

    private static Map<String, Object> usage(long total, long used, long free) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("total", total);
        out.put("used", used);
        out.put("free", free);
        out.put("percent", total == 0 ? 0.0 : round(100.0 * used / total));
        return out;
    }

    private static double round(double value) {
        return Math.round(value * 10) / 10.0;
    }
}
