package io.nglive.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A stand-in for the HTTP API of BililiveRecorder 2.11 ({@code run --bind http://127.0.0.1:<port> <path>}), built on
 * the JDK's HTTP server, listening on 127.0.0.1. It models what nglive relies on, as the recorder's
 * {@code RoomController}, {@code ConfigController}, {@code BasicAuthMiddleware} and
 * {@code OpenAccessWarningMiddleware} do it:
 * <ul>
 * <li>with credentials, every request without the right {@code Authorization: Basic} header gets 401; without
 * credentials, requests that look like open access from the internet (a {@code Host} that is not the address the
 * recorder listens on, or reverse proxy headers) get 412;</li>
 * <li>{@code /api/room}: list, add (or update {@code autoRecord} of a room that exists), get, delete, and
 * start/stop/split/refresh, rooms found by room id or short id, errors as {@code {"code":N,"message":"..."}};</li>
 * <li>{@code /api/config/global}: read, and write only the {@code optional*} properties present in the body;</li>
 * <li>{@code /api/version}.</li>
 * </ul>
 * Tests can change its state as the recorder's user would ({@link #addRoomDirectly}, {@link #setWebhookUrlsV2}),
 * see what it received ({@link #requests()}, {@link #refusedRequests()}), make it fail ({@link #respondWith},
 * {@link #delayResponses}, {@link #hang}), and make it go away and come back on the same port, with or without its
 * state ({@link #stop()}, {@link #restart}).
 */
public final class FakeRecorder implements AutoCloseable {

    /** The version this fake answers as: what {@code /api/version} and the error pages name. */
    public static final String VERSION = "2.11.1";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ROOM_PATH =
            Pattern.compile("/api/room/([^/]+)(?:/(start|stop|split|refresh))?", Pattern.CASE_INSENSITIVE);
    private static final Set<String> ROOM_ROUTES =
            Set.of("GET", "DELETE", "POST start", "POST stop", "POST split", "POST refresh");
    private static final Pattern IPV4_LITERAL = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final List<String> PROXY_HEADERS =
            List.of("X-Real-IP", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto", "Via");
    private static final String OPEN_ACCESS_DENIED = "Access Denied.\n"
            + "Open access from the internet detected. Please enable basic authentication by setting the environment"
            + " variables \"BREC_HTTP_BASIC_USER\" and \"BREC_HTTP_BASIC_PASS\", or disable this warning by setting"
            + " the environment variable \"BREC_HTTP_OPEN_ACCESS\".\n"
            + "检测到非局域网无密码访问。"
            + "请设置使用环境变量 \"BREC_HTTP_BASIC_USER\" 和 \"BREC_HTTP_BASIC_PASS\" 设置用户名密码，"
            + "或如果你已经通过其他方法实现了访问控制（如只在内网开放）"
            + "可以通过设置环境变量 \"BREC_HTTP_OPEN_ACCESS\" 为任意值来禁用此警告。"
            + "暴露在互联网上无密码的录播姬存在安全风险。\n"
            + "录播姬 BililiveRecorder " + VERSION + "\n";
    private static final String UNAUTHORIZED_PAGE = "<!DOCTYPE html><html><head><meta charset=\"utf-8\">"
            + "<title>401 Unauthorized</title></head><body><h1>401 Unauthorized</h1>"
            + "<p>录播姬 BililiveRecorder " + VERSION + "</p></body></html>\n";
    private static final Map<String, Kind> CONFIG_FIELDS = configFields();
    private static final Reply NO_ROUTE = new Reply(404, null);

    private final String user;
    private final String password;
    private final Object lock = new Object();
    private final Map<Long, Room> rooms = new LinkedHashMap<>();
    private final Map<Long, Long> realIdsByShortId = new LinkedHashMap<>();
    private final Map<String, JsonNode> globalConfig = new LinkedHashMap<>();
    private final List<String> requests = new ArrayList<>();
    private final List<String> refused = new ArrayList<>();
    private volatile Consumer<String> requestListener = request -> { };
    private volatile int failureStatus;
    private volatile Duration delay = Duration.ZERO;
    private volatile boolean hanging;
    private volatile int port;
    private HttpServer server;
    private ExecutorService executor;

    private FakeRecorder(int port, String user, String password) {
        this.port = port;
        this.user = user;
        this.password = password;
    }

    /**
     * Starts a recorder on 127.0.0.1:{@code port} (0: a free port), with no rooms and an empty global config.
     * With {@code user} null there is no Basic authentication and the open access check applies, as when the real
     * recorder runs without {@code BREC_HTTP_BASIC_USER} and {@code BREC_HTTP_BASIC_PASS}.
     */
    public static FakeRecorder start(int port, String user, String password) {
        FakeRecorder recorder = new FakeRecorder(port, user, password);
        recorder.listen();
        return recorder;
    }

    public int port() {
        return port;
    }

    /** {@code http://127.0.0.1:<port>}, without a trailing '/'. */
    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** Stops listening (clients get "connection refused") until {@link #restart}; rooms and config are kept. */
    public synchronized void stop() {
        if (server != null) {
            server.stop(0);
            executor.shutdownNow();
            server = null;
        }
    }

    /**
     * Listens again on the same port. With {@code keepState} false the rooms and the global config are gone, as
     * for a recorder that came back with a lost or fresh {@code config.json}; what it received is kept.
     */
    public synchronized void restart(boolean keepState) {
        stop();
        if (!keepState) {
            synchronized (lock) {
                rooms.clear();
                globalConfig.clear();
            }
        }
        listen();
    }

    @Override
    public void close() {
        stop();
    }

    /** Adds a room as the user would in the recorder's own UI, replacing one with the same room id. */
    public void addRoomDirectly(long roomId, long shortId, String name, String title, boolean autoRecord) {
        synchronized (lock) {
            rooms.put(roomId, new Room(roomId, shortId, name, title, autoRecord));
            if (shortId != 0) {
                realIdsByShortId.put(shortId, roomId);
            }
        }
    }

    /** Removes a room as the user would in the recorder's own UI. */
    public void removeRoomDirectly(long roomId) {
        synchronized (lock) {
            rooms.remove(roomId);
        }
    }

    /** The real room ids of the rooms, in the order they were added. */
    public Set<Long> roomIds() {
        synchronized (lock) {
            return Collections.unmodifiableSet(new LinkedHashSet<>(rooms.keySet()));
        }
    }

    /** The room's RoomDto, as {@code GET /api/room/<roomId>} would answer it. */
    public Optional<Map<String, Object>> room(long roomId) {
        synchronized (lock) {
            return Optional.ofNullable(rooms.get(roomId)).map(room -> toMap(dto(room)));
        }
    }

    /**
     * Declares that Bilibili knows room {@code realId} by the short id {@code shortId}: a room added through the
     * API by its short id becomes room {@code realId} with that short id, as the real recorder's room becomes once
     * it has fetched the room's info. Rooms without such an entry have short id 0.
     */
    public void shortId(long shortId, long realId) {
        synchronized (lock) {
            realIdsByShortId.put(shortId, realId);
        }
    }

    /** The global {@code WebHookUrlsV2} (one URL per line), null when not set. */
    public String webhookUrlsV2() {
        synchronized (lock) {
            JsonNode value = globalConfig.get("optionalWebHookUrlsV2");
            return value == null || value.isNull() ? null : value.asText();
        }
    }

    /** Sets the global {@code WebHookUrlsV2} as the user would in the recorder's settings; null unsets it. */
    public void setWebhookUrlsV2(String value) {
        synchronized (lock) {
            if (value == null) {
                globalConfig.remove("optionalWebHookUrlsV2");
            } else {
                globalConfig.put("optionalWebHookUrlsV2", TextNode.valueOf(value));
            }
        }
    }

    /** {@code "METHOD /path"} of every request that passed authentication and the open access check, in order. */
    public List<String> requests() {
        synchronized (lock) {
            return List.copyOf(requests);
        }
    }

    /** How many of {@link #requests()} are {@code methodAndPath}, e.g. {@code "POST /api/room"}. */
    public long count(String methodAndPath) {
        return requests().stream().filter(methodAndPath::equals).count();
    }

    /** {@code "<status> METHOD /path"} of every request refused with 401 or 412, in order. */
    public List<String> refusedRequests() {
        synchronized (lock) {
            return List.copyOf(refused);
        }
    }

    /** Called with each entry of {@link #requests()} and {@link #refusedRequests()} as it is recorded. */
    public void onRequest(Consumer<String> listener) {
        requestListener = listener;
    }

    /**
     * From now on every request that passes authentication gets {@code status} with
     * {@code {"code":-1,"message":"injected failure"}}; 0 is back to normal answers.
     */
    public void respondWith(int status) {
        failureStatus = status;
    }

    /** Waits {@code delay} before answering each request, to make clients time out. */
    public void delayResponses(Duration delay) {
        this.delay = delay;
    }

    /**
     * With {@code true}, accepts connections and reads requests but answers none (a recorder stuck in a deadlock or
     * a long GC) until called with {@code false}; requests held meanwhile are then answered.
     */
    public void hang(boolean hang) {
        hanging = hang;
    }

    private synchronized void listen() {
        try {
            HttpServer created = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
            created.createContext("/", this::handle);
            executor = Executors.newFixedThreadPool(4, runnable -> {
                Thread thread = new Thread(runnable, "fake-recorder");
                thread.setDaemon(true);
                return thread;
            });
            created.setExecutor(executor);
            created.start();
            server = created;
            port = created.getAddress().getPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on 127.0.0.1:" + port, e);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
            String path = exchange.getRequestURI().getRawPath();
            byte[] body = exchange.getRequestBody().readAllBytes();
            pause();
            if (user != null && !authorized(exchange)) {
                refuse("401 " + method + " " + path);
                exchange.getResponseHeaders()
                        .set("WWW-Authenticate", "Basic realm=\"BililiveRecorder " + VERSION + "\"");
                send(exchange, 401, "text/html", UNAUTHORIZED_PAGE);
            } else if (user == null && looksLikeOpenAccess(exchange)) {
                refuse("412 " + method + " " + path);
                send(exchange, 412, "text/plain; charset=utf-8", OPEN_ACCESS_DENIED);
            } else {
                accept(method + " " + path);
                Reply reply = failureStatus != 0
                        ? new Reply(failureStatus, error(-1, "injected failure"))
                        : route(method, path, body);
                if (reply.body() == null) {
                    exchange.sendResponseHeaders(reply.status(), -1);
                } else {
                    send(exchange, reply.status(), "application/json; charset=utf-8",
                            JSON.writeValueAsString(reply.body()));
                }
            }
        }
    }

    private Reply route(String method, String rawPath, byte[] body) {
        String path = rawPath.length() > 1 && rawPath.endsWith("/")
                ? rawPath.substring(0, rawPath.length() - 1)
                : rawPath;
        synchronized (lock) {
            return switch (method + " " + path.toLowerCase(Locale.ROOT)) {
                case "GET /api/room" -> new Reply(200, roomList());
                case "POST /api/room" -> createRoom(body);
                case "GET /api/config/global" -> new Reply(200, globalConfigDto());
                case "POST /api/config/global" -> setGlobalConfig(body);
                case "GET /api/version" -> new Reply(200, version());
                default -> roomRoute(method, path);
            };
        }
    }

    private ArrayNode roomList() {
        ArrayNode list = JSON.createArrayNode();
        rooms.values().forEach(room -> list.add(dto(room)));
        return list;
    }

    /**
     * {@code POST /api/room}: a room that exists (by room id or short id) only gets its {@code autoRecord} updated,
     * and the answer is still 200 with its RoomDto.
     */
    private Reply createRoom(byte[] body) {
        JsonNode request = parse(body);
        JsonNode roomIdNode = request == null ? null : request.get("roomId");
        if (roomIdNode == null || !roomIdNode.isIntegralNumber() || !roomIdNode.canConvertToInt()) {
            return new Reply(400, error(-1, "Invalid request body."));
        }
        long roomId = roomIdNode.asLong();
        boolean autoRecord = request.path("autoRecord").asBoolean(false);
        if (roomId <= 0) {
            return new Reply(400, error(-2, "Roomid must be greater than 0."));
        }
        Room room = find(roomId);
        if (room == null) {
            long realId = realIdsByShortId.getOrDefault(roomId, roomId);
            room = rooms.computeIfAbsent(realId, id -> new Room(id, shortIdOf(id), "主播" + id,
                    "直播间 " + id + " 的标题", autoRecord));
        }
        room.autoRecord = autoRecord;
        return new Reply(200, dto(room));
    }

    /** {@code /api/room/<id>} and its actions. An id that is not an int matches no route: 404 without a body. */
    private Reply roomRoute(String method, String path) {
        Matcher matcher = ROOM_PATH.matcher(path);
        if (!matcher.matches()) {
            return NO_ROUTE;
        }
        int id;
        try {
            id = Integer.parseInt(matcher.group(1));
        } catch (NumberFormatException e) {
            return NO_ROUTE;
        }
        String route = matcher.group(2) == null ? method : method + " " + matcher.group(2).toLowerCase(Locale.ROOT);
        if (!ROOM_ROUTES.contains(route)) {
            return NO_ROUTE;
        }
        Room room = find(id);
        if (room == null) {
            return new Reply(404, error(-4, "Room not found"));
        }
        switch (route) {
            case "POST start" -> room.start();
            case "POST stop" -> room.stop();
            case "DELETE" -> rooms.remove(room.roomId);
            default -> {
                // GET, split and refresh leave the room as it is
            }
        }
        return new Reply(200, dto(room));
    }

    /** As the recorder's {@code FetchRoom}: the first room whose short id or room id is {@code id}. */
    private Room find(long id) {
        return rooms.values().stream()
                .filter(room -> room.shortId == id || room.roomId == id)
                .findFirst()
                .orElse(null);
    }

    private long shortIdOf(long realId) {
        return realIdsByShortId.entrySet().stream()
                .filter(entry -> entry.getValue() == realId)
                .map(Map.Entry::getKey)
                .findFirst()
                .orElse(0L);
    }

    /**
     * {@code POST /api/config/global}: each {@code optional*} property present is applied, the others are left
     * alone; a property with {@code hasValue} false unsets the setting. Unknown properties are ignored, property
     * names match case-insensitively, as ASP.NET's JSON binding does.
     */
    private Reply setGlobalConfig(byte[] body) {
        JsonNode request = parse(body);
        if (request == null || !request.isObject()) {
            return new Reply(400, error(-1, "Invalid request body."));
        }
        Map<String, JsonNode> changes = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = request.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> property = it.next();
            Optional<String> field = CONFIG_FIELDS.keySet().stream()
                    .filter(name -> name.equalsIgnoreCase(property.getKey()))
                    .findFirst();
            JsonNode optional = property.getValue();
            if (field.isEmpty() || optional.isNull()) {
                continue;
            }
            if (!optional.isObject()) {
                return new Reply(400, error(-1, "Invalid value for " + property.getKey() + "."));
            }
            boolean hasValue = optional.path("hasValue").asBoolean(false);
            JsonNode value = optional.hasNonNull("value") ? optional.get("value") : NullNode.getInstance();
            if (hasValue && !CONFIG_FIELDS.get(field.get()).accepts(value)) {
                return new Reply(400, error(-1, "Invalid value for " + property.getKey() + "."));
            }
            changes.put(field.get(), hasValue ? value : null);
        }
        changes.forEach((field, value) -> {
            if (value == null) {
                globalConfig.remove(field);
            } else {
                globalConfig.put(field, value);
            }
        });
        return new Reply(200, globalConfigDto());
    }

    /**
     * GlobalConfigDto: every setting as {@code {"hasValue":bool,"value":...}}; a setting not set has the default
     * of its .NET type as value: 0 for numbers and enums, false for booleans, null for strings.
     */
    private ObjectNode globalConfigDto() {
        ObjectNode dto = JSON.createObjectNode();
        CONFIG_FIELDS.forEach((field, kind) -> {
            ObjectNode optional = dto.putObject(field);
            optional.put("hasValue", globalConfig.containsKey(field));
            optional.set("value", globalConfig.getOrDefault(field, kind.unset));
        });
        return dto;
    }

    /** As the recorder's {@code RecorderVersion}, whose properties are all strings. */
    private static ObjectNode version() {
        ObjectNode version = JSON.createObjectNode();
        version.put("major", "2");
        version.put("minor", "11");
        version.put("patch", "1");
        version.put("preReleaseTag", "");
        version.put("majorMinorPatch", VERSION);
        version.put("semVer", VERSION);
        version.put("fullSemVer", VERSION);
        version.put("branchName", "tags/v" + VERSION);
        return version;
    }

    /** The RoomDto of {@code room}, shaped like {@code shared/fixtures/bililive-recorder/rest-RoomDto.json}. */
    private ObjectNode dto(Room room) {
        ObjectNode dto = JSON.createObjectNode();
        dto.put("objectId", room.objectId.toString());
        dto.put("roomId", room.roomId);
        dto.put("autoRecord", room.autoRecord);
        dto.put("shortId", room.shortId);
        dto.put("name", room.name);
        dto.put("uid", 10_000_000L + room.roomId);
        dto.put("title", room.title);
        dto.put("areaNameParent", "生活");
        dto.put("areaNameChild", "日常");
        dto.put("recording", room.recording);
        dto.put("streaming", room.streaming);
        dto.put("danmakuConnected", true);
        dto.put("autoRecordForThisSession", room.autoRecordForThisSession);
        ObjectNode recordingStats = dto.putObject("recordingStats");
        recordingStats.put("sessionDuration", room.sessionDuration());
        for (String field : List.of("totalInputBytes", "totalOutputBytes", "currentFileSize", "sessionMaxTimestamp",
                "fileMaxTimestamp")) {
            recordingStats.put(field, 0);
        }
        recordingStats.put("addedDuration", 0.0);
        recordingStats.put("passedTime", 0.0);
        recordingStats.put("durationRatio", "NaN");
        for (String field : List.of("inputVideoBytes", "inputAudioBytes", "outputVideoFrames", "outputAudioFrames",
                "outputVideoBytes", "outputAudioBytes", "totalInputVideoBytes", "totalInputAudioBytes",
                "totalOutputVideoFrames", "totalOutputAudioFrames", "totalOutputVideoBytes", "totalOutputAudioBytes")) {
            recordingStats.put(field, 0);
        }
        ObjectNode ioStats = dto.putObject("ioStats");
        ioStats.putNull("streamHost");
        ioStats.put("startTime", "0001-01-01T00:00:00+00:00");
        ioStats.put("endTime", "0001-01-01T00:00:00+00:00");
        ioStats.put("duration", 0.0);
        ioStats.put("networkBytesDownloaded", 0);
        ioStats.put("networkMbps", 0.0);
        ioStats.put("diskWriteDuration", 0.0);
        ioStats.put("diskBytesWritten", 0);
        ioStats.put("diskMBps", 0.0);
        return dto;
    }

    private boolean authorized(HttpExchange exchange) {
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        String expected = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        return header != null && header.regionMatches(true, 0, "Basic ", 0, 6)
                && header.substring(6).trim().equals(expected);
    }

    /**
     * The open access check of a recorder without credentials, for a client on the same machine: reverse proxy
     * headers, or a {@code Host} that is not the IP address the request came in on (a name such as
     * {@code localhost} counts as open access, as in 2.11).
     */
    private static boolean looksLikeOpenAccess(HttpExchange exchange) {
        if (PROXY_HEADERS.stream().anyMatch(exchange.getRequestHeaders()::containsKey)) {
            return true;
        }
        String host = Objects.requireNonNullElse(exchange.getRequestHeaders().getFirst("Host"), "");
        String hostWithoutPort = host.startsWith("[") ? host : host.replaceFirst(":\\d*$", "");
        if (!IPV4_LITERAL.matcher(hostWithoutPort).matches()) {
            return true;
        }
        try {
            return !InetAddress.getByName(hostWithoutPort).equals(exchange.getLocalAddress().getAddress());
        } catch (UnknownHostException e) {
            return true;
        }
    }

    private void accept(String request) {
        synchronized (lock) {
            requests.add(request);
        }
        requestListener.accept(request);
    }

    private void refuse(String request) {
        synchronized (lock) {
            refused.add(request);
        }
        requestListener.accept(request);
    }

    private static void send(HttpExchange exchange, int status, String contentType, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private void pause() {
        try {
            while (hanging) {
                Thread.sleep(50);
            }
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static JsonNode parse(byte[] body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    private static ObjectNode error(int code, String message) {
        ObjectNode error = JSON.createObjectNode();
        error.put("code", code);
        error.put("message", message);
        return error;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> toMap(ObjectNode node) {
        return JSON.convertValue(node, Map.class);
    }

    /** The settings of the recorder's GlobalConfigDto, in its order, with the kind of value each one holds. */
    private static Map<String, Kind> configFields() {
        Map<String, Kind> fields = new LinkedHashMap<>();
        add(fields, Kind.NUMBER, "RecordMode", "CuttingMode", "CuttingNumber");
        add(fields, Kind.BOOLEAN, "CuttingByTitle", "RecordDanmaku", "RecordDanmakuRaw", "RecordDanmakuSuperChat",
                "RecordDanmakuGift", "RecordDanmakuGuard", "SaveStreamCover");
        add(fields, Kind.STRING, "RecordingQuality", "FileNameRecordTemplate");
        add(fields, Kind.BOOLEAN, "FlvProcessorSplitOnScriptTag", "FlvWriteMetadata");
        add(fields, Kind.STRING, "WebHookUrls", "WebHookUrlsV2");
        add(fields, Kind.BOOLEAN, "WpfShowTitleAndArea", "WpfNotifyStreamStart");
        add(fields, Kind.STRING, "Cookie", "LiveApiHost");
        add(fields, Kind.NUMBER, "TimingCheckInterval", "TimingApiTimeout", "TimingStreamRetry",
                "TimingStreamRetryNoQn", "TimingStreamConnect", "TimingDanmakuRetry", "TimingWatchdogTimeout",
                "RecordDanmakuFlushInterval", "DanmakuTransport");
        add(fields, Kind.BOOLEAN, "DanmakuAuthenticateWithStreamerUid", "NetworkTransportUseSystemProxy");
        add(fields, Kind.NUMBER, "NetworkTransportAllowedAddressFamily");
        add(fields, Kind.STRING, "UserScript");
        return Collections.unmodifiableMap(fields);
    }

    private static void add(Map<String, Kind> fields, Kind kind, String... settings) {
        for (String setting : settings) {
            fields.put("optional" + setting, kind);
        }
    }

    /** The kinds of values a global setting holds, with the value it shows when not set. */
    private enum Kind {
        /** Unsigned integers and enums, which the recorder sends as numbers. */
        NUMBER(IntNode.valueOf(0)),
        BOOLEAN(BooleanNode.FALSE),
        STRING(NullNode.getInstance());

        private final JsonNode unset;

        Kind(JsonNode unset) {
            this.unset = unset;
        }

        boolean accepts(JsonNode value) {
            return switch (this) {
                case NUMBER -> value.isIntegralNumber() && value.canConvertToLong() && value.asLong() >= 0;
                case BOOLEAN -> value.isBoolean();
                case STRING -> value.isTextual() || value.isNull();
            };
        }
    }

    /** A room in the recorder. Guarded by {@code lock}. */
    private static final class Room {
        private final UUID objectId = UUID.randomUUID();
        private final long roomId;
        private final long shortId;
        private final String name;
        private final String title;
        private boolean autoRecord;
        private boolean recording;
        private boolean streaming;
        private boolean autoRecordForThisSession = true;
        /** When the recording session began (System.nanoTime), while it records. */
        private long sessionStarted;

        private Room(long roomId, long shortId, String name, String title, boolean autoRecord) {
            this.roomId = roomId;
            this.shortId = shortId;
            this.name = name;
            this.title = title;
            this.autoRecord = autoRecord;
        }

        /** As {@code StartRecord}: records this session; the fake's streamer is always live when asked to. */
        private void start() {
            autoRecordForThisSession = true;
            streaming = true;
            if (!recording) {
                sessionStarted = System.nanoTime();
            }
            recording = true;
        }

        /** As {@code recordingStats.sessionDuration}: milliseconds since the session began, 0 when not recording. */
        private double sessionDuration() {
            return recording ? (System.nanoTime() - sessionStarted) / 1e6 : 0.0;
        }

        /** As {@code StopRecord}: stops, and does not record again until the next session. */
        private void stop() {
            autoRecordForThisSession = false;
            recording = false;
        }
    }

    private record Reply(int status, JsonNode body) {
    }
}
