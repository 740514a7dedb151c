package io.nglive;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import io.nglive.central.CentralChannelConfiguration;
import io.nglive.cluster.ClusterSettings;
import io.nglive.pipeline.PipelineSettings;
import io.nglive.recorder.RecorderSettings;
import io.nglive.transcode.TranscodeSettings;
import io.nglive.upload.UploadSettings;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Route;
import org.apache.camel.StartupListener;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.apache.camel.spi.Registry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A few lines once nglive runs, in place of Camel's per-route and per-endpoint listings: where it listens and what it
 * exposes there (read from the routes that run, so it cannot drift from them), where its files are, which recorder and
 * which target.
 */
public final class StartupSummary implements StartupListener {

    private static final Logger LOG = LoggerFactory.getLogger("io.nglive");

    private final Registry registry;
    private final Role role;

    public StartupSummary(Registry registry, Role role) {
        this.registry = registry;
        this.role = role;
    }

    @Override
    public void onCamelContextStarted(CamelContext camel, boolean alreadyStarted) {
        // the routes are not all started yet
    }

    @Override
    public void onCamelContextFullyStarted(CamelContext camel, boolean alreadyStarted) {
        lines(camel).forEach(LOG::info);
    }

    List<String> lines(CamelContext camel) {
        ServerSettings server = bean("serverSettings", ServerSettings.class);
        SettingsReader settings = bean("settings", SettingsReader.class);
        List<String> lines = new ArrayList<>();
        String who = role == Role.NODE ? "node " + bean("nodeSettings", NodeSettings.class).name() : "central server";
        lines.add("nglive " + ServerConfiguration.version() + " (" + who + ") listening on "
                + listener(server.host(), server.port()) + ", tokens: API " + (server.apiToken().isEmpty() ? "off" : "on")
                + (role == Role.NODE ? ", webhooks " + (server.webhookToken().isEmpty() ? "off" : "on")
                        : ", nodes " + (bean("clusterSettings", ClusterSettings.class).nodeToken().isEmpty()
                                ? "off (nodes on this machine only)" : "on")));
        lines.add("  HTTP " + String.join(" ", httpPaths(camel)) + "; WebSocket " + String.join(" ", websocketPaths(camel))
                + "; /observe/health /observe/metrics; dashboard /");
        lines.add("  routes " + settings.optional("camel.main.routes-include-pattern").orElse(role.routes())
                + (settings.optional("camel.main.routes-reload-enabled").orElse("false").equals("true")
                        ? " (a route file edited while nglive runs is reloaded)" : ""));
        if (role == Role.CENTRAL) {
            ClusterSettings cluster = bean("clusterSettings", ClusterSettings.class);
            lines.add("  data " + server.dataPath() + "; cluster database " + cluster.db()
                    .map(db -> Redaction.url(db.url())).orElse("embedded") + "; a node silent for "
                    + cluster.nodeTimeout().toSeconds() + " s is lost and its rooms are placed elsewhere");
            lines.add("  leads as " + cluster.address() + " (" + cluster.leadership().settingValue()
                    + " leadership" + (cluster.zookeeper().isEmpty() ? "" : ", ZooKeeper " + cluster.zookeeper())
                    + "); other instances stand by");
            return lines;
        }
        NodeSettings node = bean("nodeSettings", NodeSettings.class);
        lines.add("  data " + server.dataPath() + "; recordings " + node.worksPath() + "; outputs " + node.outPath());
        lines.add("  recorder " + recorder(bean("recorderSettings", RecorderSettings.class)));
        lines.add("  transcode " + bean("transcodeSettings", TranscodeSettings.class).mode() + " (at most "
                + bean("pipelineSettings", PipelineSettings.class).transcodeWorkers() + " at once); upload "
                + targets());
        CentralChannelConfiguration.settings(registry)
                .ifPresent(central -> lines.add(central.urls().size() == 1 ? "  central server " + central.shown()
                        : "  central servers " + central.shown() + " (one connection, to whichever accepts the node)"));
        return lines;
    }

    /** The default target, then each named one with its name. */
    @SuppressWarnings("unchecked")
    private String targets() {
        Map<String, UploadSettings> targets = bean("uploadTargets", Map.class);
        StringBuilder line = new StringBuilder();
        targets.forEach((name, target) -> line.append(line.isEmpty() ? "" : "; target " + name + ": ")
                .append(target(target)));
        return line.toString();
    }

    private <T> T bean(String name, Class<T> type) {
        return registry.lookupByNameAndType(name, type);
    }

    private static String listener(String host, int port) {
        String address = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        String reach = switch (host) {
            case "0.0.0.0", "::", "[::]" -> " (every interface)";
            case "127.0.0.1", "localhost", "::1", "[::1]" -> " (this machine only)";
            default -> "";
        };
        return "http://" + address + ":" + port + reach;
    }

    private static String recorder(RecorderSettings recorder) {
        if (!recorder.hasApi()) {
            return "without an API (nglive.recorder.url is empty): webhooks only, rooms are managed in the recorder";
        }
        String api = Redaction.url(recorder.url().toString());
        if (recorder.supervised()) {
            return "started by nglive (" + recorder.command().get(0) + "), API " + api;
        }
        return "API " + api + (recorder.webhookUrl() != null ? ", nglive's webhook registered there" : "");
    }

    private static String target(UploadSettings upload) {
        return switch (upload.target()) {
            case "file" -> "to the folder " + upload.dir();
            case "http" -> "by HTTP PUT to " + Redaction.url(upload.url().toString());
            case "command" -> "by running " + upload.command().get(0);
            case "s3" -> "to the S3 bucket " + upload.s3().bucket() + " at "
                    + (upload.s3().endpoint() == null ? "AWS " + upload.s3().region() : upload.s3().endpoint());
            default -> upload.target();
        };
    }

    private static Set<String> httpPaths(CamelContext camel) {
        Set<String> paths = new TreeSet<>();
        for (Route route : camel.getRoutes()) {
            if (route.getEndpoint() instanceof PlatformHttpEndpoint http) {
                paths.add(http.getPath());
            }
        }
        return paths;
    }

    private static Set<String> websocketPaths(CamelContext camel) {
        Set<String> paths = new TreeSet<>();
        for (Route route : camel.getRoutes()) {
            Endpoint endpoint = route.getEndpoint();
            String uri = endpoint.getEndpointBaseUri();
            if (uri.startsWith("vertx-websocket:")) {
                paths.add(uri.substring(uri.lastIndexOf("//") + 1).replaceFirst("^/+", "/"));
            }
        }
        return paths;
    }
}
