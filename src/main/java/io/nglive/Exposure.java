package io.nglive;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * What nglive opens to the network when it listens beyond the loopback interface without its tokens. It still
 * starts (a LAN behind a firewall may be exactly what the user wants), but says once, in one line, what anyone
 * who can reach the port can do, so that an open control surface is never a surprise.
 */
final class Exposure {

    private Exposure() {
    }

    /**
     * The warning for a listener on {@code host:port}, or empty when nothing is exposed.
     *
     * @param system the JVM's system properties: a JMX port opened without authentication is exposed as well
     */
    static Optional<String> warning(String host, int port, String apiToken, String webhookToken, Properties system) {
        List<String> exposed = new ArrayList<>();
        if (!loopback(host)) {
            if (apiToken.isEmpty()) {
                exposed.add("control rooms and jobs (/allroom, /getroom, /addroom, /removeroom, /api/rooms, /api/jobs, "
                        + "the dashboard at /)");
                exposed.add("read the event stream (/ws)");
            }
            if (webhookToken.isEmpty()) {
                exposed.add("post recordings and events to /webhook");
            }
        }
        String jmxPort = system.getProperty("com.sun.management.jmxremote.port");
        if (jmxPort != null && "false".equals(system.getProperty("com.sun.management.jmxremote.authenticate"))
                && !loopback(system.getProperty("com.sun.management.jmxremote.host", "0.0.0.0"))) {
            exposed.add("manage the JVM and its routes over JMX on port " + jmxPort
                    + " (com.sun.management.jmxremote.authenticate=false)");
        }
        if (exposed.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("nglive is reachable beyond this machine (camel.server.host=" + host + ", port " + port
                + ") and anyone who can reach it can " + String.join(", ", exposed)
                + ". Set nglive.api.token and nglive.webhook.token, or camel.server.host = 127.0.0.1"
                + " (/observe/health and /observe/metrics stay open to probes and hold no secrets)");
    }

    /** True only for an address that is certainly this machine's loopback; a name that does not resolve is not. */
    static boolean loopback(String host) {
        String literal = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        try {
            return InetAddress.getByName(literal).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
