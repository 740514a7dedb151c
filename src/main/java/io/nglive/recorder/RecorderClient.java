package io.nglive.recorder;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.nglive.Durations;

/**
 * A client of BililiveRecorder's REST API ({@code /api/room}, {@code /api/config/global}, {@code /api/version}).
 * Basic auth is sent with every request when configured. Failures become a {@link RecorderUnavailable} (cannot
 * be used now) or a {@link RecorderRejected} (its error code), each with a message a user can act on.
 */
public final class RecorderClient {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);

    private final String base;
    private final String authorization;
    private final Duration timeout;
    private final HttpClient http;
    /** The recorder writes "NaN" for some numbers, quoted or not; both must read. */
    private final ObjectMapper json = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

    public RecorderClient(RecorderSettings settings) {
        String url = settings.url().toString();
        this.base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.authorization = settings.hasCredentials()
                ? "Basic " + Base64.getEncoder().encodeToString((nonNull(settings.user()) + ":"
                        + nonNull(settings.password())).getBytes(StandardCharsets.UTF_8))
                : null;
        this.timeout = settings.timeout();
        this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    public String url() {
        return base;
    }

    public List<RecorderRoom> rooms() {
        JsonNode answer = call("GET", "/api/room", null);
        if (!answer.isArray()) {
            throw new RecorderUnavailable("the recorder at " + base + " answered GET /api/room with "
                    + answer.getNodeType().name().toLowerCase(Locale.ROOT) + " instead of a list of rooms");
        }
        List<RecorderRoom> rooms = new ArrayList<>();
        answer.forEach(dto -> rooms.add(RecorderRoom.from(dto)));
        return rooms;
    }

    /** One room, found by its id or short id; {@link RecorderRejected} with {@code -4} when the recorder lacks it. */
    public RecorderRoom room(long roomId) {
        return RecorderRoom.from(call("GET", "/api/room/" + roomId, null));
    }

    /** Adds a room, or updates its autoRecord when the recorder has it already (its API does both). */
    public RecorderRoom add(long roomId, boolean autoRecord) {
        return RecorderRoom.from(call("POST", "/api/room", Map.of("roomId", roomId, "autoRecord", autoRecord)));
    }

    /** Removes a room; false when the recorder did not have it. */
    public boolean remove(long roomId) {
        try {
            call("DELETE", "/api/room/" + roomId, null);
            return true;
        } catch (RecorderRejected e) {
            if (e.code() == RecorderRejected.ROOM_NOT_FOUND) {
                return false;
            }
            throw e;
        }
    }

    /** {@code start}, {@code stop}, {@code split} or {@code refresh}; the room as it is afterwards. */
    public RecorderRoom action(long roomId, String action) {
        return RecorderRoom.from(call("POST", "/api/room/" + roomId + "/" + action, null));
    }

    public JsonNode globalConfig() {
        return call("GET", "/api/config/global", null);
    }

    /** Sets only the given settings, each as {@code {"hasValue":true,"value":...}}. */
    public JsonNode setGlobalConfig(Map<String, Object> settings) {
        return call("POST", "/api/config/global", settings);
    }

    public Optional<String> version() {
        JsonNode version = call("GET", "/api/version", null);
        return Optional.ofNullable(version.path("fullSemVer").textValue());
    }

    /** Whether anything answers HTTP at the recorder's address (even a refusal): its API is up. */
    public boolean answers() {
        try {
            http.send(HttpRequest.newBuilder(URI.create(base + "/api/version")).timeout(CONNECT_TIMEOUT).GET().build(),
                    BodyHandlers.discarding());
            return true;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private JsonNode call(String method, String path, Object body) {
        String what = method + " " + path;
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout)
                .header("Accept", "application/json");
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (body != null) {
            try {
                request.header("Content-Type", "application/json")
                        .method(method, BodyPublishers.ofString(json.writeValueAsString(body)));
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException(e);
            }
        } else {
            request.method(method, BodyPublishers.noBody());
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpConnectTimeoutException e) {
            throw new RecorderUnavailable("the recorder at " + base + " is unreachable (no connection within "
                    + Durations.readable(CONNECT_TIMEOUT) + ")");
        } catch (HttpTimeoutException e) {
            throw new RecorderUnavailable("the recorder at " + base + " did not answer " + what + " within "
                    + Durations.readable(timeout));
        } catch (ConnectException e) {
            throw new RecorderUnavailable("the recorder at " + base + " is unreachable (connection refused: is it "
                    + "running with --bind on this address?)");
        } catch (IOException e) {
            throw new RecorderUnavailable("the recorder at " + base + " is unreachable (" + describe(e) + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RecorderUnavailable("interrupted while calling the recorder");
        }
        return answer(what, response);
    }

    private JsonNode answer(String what, HttpResponse<String> response) {
        int status = response.statusCode();
        if (status == 401) {
            throw new RecorderUnavailable("the recorder at " + base + " refused " + (authorization == null
                    ? "a request without credentials (401): set nglive.recorder.user and nglive.recorder.password"
                    : "nglive's credentials (401): check nglive.recorder.user and nglive.recorder.password"));
        }
        if (status == 412) {
            throw new RecorderUnavailable("the recorder at " + base + " refused the request as open internet access "
                    + "(412): give it Basic credentials (BREC_HTTP_BASIC_USER/PASS, and nglive.recorder.user/password)"
                    + " or call it by IP address, not host name, in nglive.recorder.url");
        }
        JsonNode body;
        try {
            body = response.body().isBlank() ? json.nullNode() : json.readTree(response.body());
        } catch (JsonProcessingException e) {
            throw new RecorderUnavailable("the recorder at " + base + " answered " + what + " with HTTP " + status
                    + " and a body that is not JSON: " + clip(response.body()));
        }
        if (body.has("code") && body.path("code").isNumber() && body.path("code").asInt() < 0) {
            String message = body.path("message").asText("no message");
            if (status >= 500) {
                throw new RecorderUnavailable("the recorder failed " + what + " (HTTP " + status + ", code "
                        + body.path("code").asInt() + ": " + message + ")");
            }
            throw new RecorderRejected(body.path("code").asInt(), "the recorder refused " + what + ": " + message
                    + " (code " + body.path("code").asInt() + ")");
        }
        if (status < 200 || status >= 300) {
            throw new RecorderUnavailable("the recorder answered " + what + " with HTTP " + status
                    + (response.body().isBlank() ? "" : ": " + clip(response.body())));
        }
        return body;
    }

    private static String describe(IOException e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }

    private static String clip(String text) {
        String line = text.strip().replaceAll("\\s+", " ");
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }

    private static String nonNull(String text) {
        return text == null ? "" : text;
    }
}
