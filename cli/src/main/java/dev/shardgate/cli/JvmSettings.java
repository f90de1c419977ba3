package dev.shardgate.cli;

import com.sun.management.HotSpotDiagnosticMXBean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;
import java.util.List;

/**
 * The memory settings the JVM runs with, logged once when a router starts: whether the launcher's
 * defaults (bin/shardgate) or a user's JAVA_OPTS took effect is then visible in the router's log.
 */
record JvmSettings(String collector, long initialHeapMegabytes, long maxHeapMegabytes, boolean compactObjectHeaders) {
    private static final Logger log = LoggerFactory.getLogger(JvmSettings.class);
    private static final List<String> COLLECTORS = List.of("Serial", "G1", "Parallel", "Z", "Shenandoah", "Epsilon");

    static JvmSettings current() {
        HotSpotDiagnosticMXBean flags = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        String collector = COLLECTORS.stream().filter(name -> flag(flags, "Use" + name + "GC")).findFirst().orElse("unknown");
        return new JvmSettings(collector, Long.parseLong(flags.getVMOption("InitialHeapSize").getValue()) >> 20,
                Long.parseLong(flags.getVMOption("MaxHeapSize").getValue()) >> 20, flag(flags, "UseCompactObjectHeaders"));
    }

    private static boolean flag(HotSpotDiagnosticMXBean flags, String name) {
        try {
            return Boolean.parseBoolean(flags.getVMOption(name).getValue());
        } catch (IllegalArgumentException e) {
            return false; // a flag this JVM does not have
        }
    }

    void log() {
        log.info("event=jvm_settings gc={} heap_initial_mb={} heap_max_mb={} compact_object_headers={} java={}",
                collector, initialHeapMegabytes, maxHeapMegabytes, compactObjectHeaders, Runtime.version());
    }
}
