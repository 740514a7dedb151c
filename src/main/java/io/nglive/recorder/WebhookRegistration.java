package io.nglive.recorder;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import com.fasterxml.jackson.databind.JsonNode;
import io.nglive.Redaction;
import io.nglive.Urls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure the recorder's {@code WebHookUrlsV2} (one URL per line) contains nglive's webhook URL. Every other
 * line the user put there is kept; a line that points at nglive's own webhook with other parameters (an old
 * token, {@code /webhook/} with a slash) is replaced, so that events are not sent twice or refused.
 */
public final class WebhookRegistration {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookRegistration.class);
    private static final String SETTING = "optionalWebHookUrlsV2";

    private final RecorderClient recorder;
    private final String url;
    private volatile boolean confirmed;

    /** @param url nglive's webhook URL as the recorder must call it; null: registration is off */
    public WebhookRegistration(RecorderClient recorder, String url) {
        this.recorder = recorder;
        this.url = url;
    }

    /** Checks the recorder's setting and adds nglive's URL when missing; a recorder that is down is left for later. */
    public void ensure() {
        if (url == null) {
            return;
        }
        try {
            JsonNode setting = recorder.globalConfig().path(SETTING);
            String current = setting.path("hasValue").asBoolean(false) && setting.path("value").isTextual()
                    ? setting.path("value").asText() : "";
            List<String> lines = new ArrayList<>(List.of(current.split("\\r?\\n")));
            lines.removeIf(String::isBlank);
            boolean present = lines.stream().map(String::trim).anyMatch(url::equals);
            List<String> wanted = new ArrayList<>(lines);
            // nglive's own endpoint under another URL (an old token, /webhook/) would get every event twice
            wanted.removeIf(line -> !line.trim().equals(url) && sameEndpoint(line.trim(), url));
            if (!present) {
                wanted.add(url);
            }
            if (wanted.equals(lines)) {
                if (!confirmed) {
                    LOG.info("the recorder sends its events to {}", Redaction.url(url));
                    confirmed = true;
                }
                return;
            }
            recorder.setGlobalConfig(Map.of(SETTING, Map.of("hasValue", true, "value", String.join("\n", wanted))));
            long replaced = lines.size() - wanted.size() + (present ? 0 : 1);
            LOG.info("set {} in the recorder's WebHookUrlsV2 (kept {} other URL(s){})", Redaction.url(url),
                    wanted.size() - 1, replaced > 0 ? ", removed " + replaced + " older URL(s) of nglive's" : "");
            confirmed = true;
        } catch (RecorderUnavailable | RecorderRejected e) {
            confirmed = false;
            LOG.debug("webhook registration waits for the recorder: {}", e.getMessage());
        }
    }

    /** Same scheme, host, port and path (ignoring a trailing slash): the same receiver, whatever the query. */
    static boolean sameEndpoint(String a, String b) {
        try {
            URI x = new URI(a);
            URI y = new URI(b);
            return Objects.equals(lower(x.getScheme()), lower(y.getScheme()))
                    && Objects.equals(lower(x.getHost()), lower(y.getHost()))
                    && Urls.port(x) == Urls.port(y)
                    && trimSlash(x.getPath()).equals(trimSlash(y.getPath()));
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static String trimSlash(String path) {
        String p = path == null ? "" : path;
        return p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }

    private static String lower(String text) {
        return text == null ? null : text.toLowerCase(Locale.ROOT);
    }
}
