package io.nglive;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Route;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.apache.camel.StartupListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A few lines once nglive runs, in place of Camel's per-route and per-endpoint listings: where it listens and what it
 * exposes there (read from the routes that run, so it cannot drift from them), where its files are, which recorder and
 * which target.
 */
final class StartupSummary implements StartupListener {

    private static final Logger LOG = LoggerFactory.getLogger("io.nglive");

    private final Settings settings;
    private final String host;
    private final int port;

    StartupSummary(Settings settings, String host, int port) {
        this.settings = settings;
        this.host = host;
        this.port = port;
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
        List<String> lines = new ArrayList<>();
        lines.add("nglive " + NgliveConfiguration.version() + " (node " + settings.nodeName + ") listening on "
                + listener() + ", tokens: API " + (settings.apiToken.isEmpty() ? "off" : "on") + ", webhooks "
                + (settings.webhookToken.isEmpty() ? "off" : "on"));
        lines.add("  HTTP " + String.join(" ", httpPaths(camel)) + "; WebSocket " + String.join(" ", websocketPaths(camel))
                + "; /observe/health /observe/metrics");
        lines.add("  routes " + settings.optional("camel.main.routes-include-pattern").orElse("")
                + (settings.optional("camel.main.routes-reload-enabled").orElse("false").equals("true")
                        ? " (a route file edited while nglive runs is reloaded)" : ""));
        lines.add("  data " + settings.dataPath + "; recordings " + settings.worksPath + "; outputs " + settings.outPath);
        lines.add("  recorder " + recorder());
        lines.add("  transcode " + settings.transcode.mode() + " (at most " + settings.transcodeWorkers
                + " at once); upload " + target());
        settings.central.ifPresent(central -> lines.add("  central server " + Redaction.url(central.url().toString())));
        return lines;
    }

    private String listener() {
        String address = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        String reach = switch (host) {
            case "0.0.0.0", "::", "[::]" -> " (every interface)";
            case "127.0.0.1", "localhost", "::1", "[::1]" -> " (this machine only)";
            default -> "";
        };
        return "http://" + address + ":" + port + reach;
    }

    private String recorder() {
        var recorder = settings.recorder;
        if (!recorder.hasApi()) {
            return "without an API (nglive.recorder.url is empty): webhooks only, rooms are managed in the recorder";
        }
        String api = Redaction.url(recorder.url().toString());
        if (recorder.supervised()) {
            return "started by nglive (" + recorder.command().get(0) + "), API " + api;
        }
        return "API " + api + (recorder.webhookUrl() != null ? ", nglive's webhook registered there" : "");
    }

    private String target() {
        var upload = settings.upload;
        return switch (upload.target()) {
            case "file" -> "to the folder " + upload.dir();
            case "http" -> "by HTTP PUT to " + Redaction.url(upload.url().toString());
            case "command" -> "by running " + upload.command().get(0);
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
