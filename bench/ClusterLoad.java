import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nglive.protocol.Ack;
import io.nglive.protocol.Command;
import io.nglive.protocol.Frame;
import io.nglive.protocol.Frames;
import io.nglive.protocol.Reply;

/**
 * Many simulated nodes against one central server (nglive.role=central), in one JVM: each speaks the node's side of
 * the central channel (docs/protocol.md) over the JDK's WebSocket client, as a real node does: hello, its unacknowledged
 * events again after every reconnect, heartbeats every 5 s, a job's events (FileClosed ... UpEnded) now and then, and
 * answers to allroom, addroom, removeroom and the room actions from a room set of its own. Where the rooms are is
 * judged from those sets, not from the central's API. Prints one JSON line.
 * Run (bench/bench.py does): java -cp target/nglive.jar bench/ClusterLoad.java PORT TOKEN PID key=value...
 * <p>
 * With {@code hold=SECONDS} (the dashboard's bench on the central server) it stops after the rooms are placed: prints
 * {@code READY}, keeps the nodes, their heartbeats and their events going for at most SECONDS (until {@code GET /done}
 * on {@code control=PORT}), then prints its JSON. Its job events start paused; {@code GET /events/on} and
 * {@code /events/off} on the control port resume and pause them. {@code job-events=A,B,...} are a job's event types
 * (default FileClosed ... UpEnded) and {@code pace=steady} spaces them evenly, event-every / their number apart, each
 * job right after the last and in the node's rooms in turn, so that the nodes together make a steady rate.
 * <p>
 * With {@code ports=P1,P2} the nodes dial several central servers as a real node does (CentralRound, Backoff): a
 * standby's 503 sends them to the leader it names, any other failure to the next port, a round without success to a
 * backoff of 1 s doubling up to 60 s. With {@code standby=PORT:PID} as well, the leader (PID) is killed once the rooms
 * are placed and the standby's takeover is measured ({@link #takeover}).
 */
public class ClusterLoad {

    static final ObjectMapper JSON = new ObjectMapper();
    static String[] jobEvents = {"FileClosed", "TranscodeStarted", "TranscodeEnded", "UpStarted", "UpEnded"};
    static boolean steady;
    /** Job events held back (hold mode, until the control port says otherwise). */
    static volatile boolean paused;

    /** The central server the API calls go to (the leader's; after a takeover, the new leader's). */
    static volatile int port;
    static String token;
    static volatile long centralPid;
    /** The central servers' ports the nodes dial, in order, as a node's nglive.central.url lists them. */
    static int[] ports;
    static Map<String, String> opts = new HashMap<>();
    static final HttpClient wsClient = HttpClient.newBuilder()
            .executor(Executors.newFixedThreadPool(2, daemon("ws"))).build();
    static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .executor(Executors.newFixedThreadPool(2, daemon("http"))).build();
    static final ScheduledExecutorService timers = Executors.newScheduledThreadPool(2, daemon("timers"));
    static final List<SimNode> nodes = new ArrayList<>();
    static final AtomicLong reconnects = new AtomicLong();
    static final AtomicLong standbyRefusals = new AtomicLong();
    static final AtomicLong commandsAnswered = new AtomicLong();
    static final Map<String, AtomicLong> commandsByName = new ConcurrentHashMap<>();
    static final long t0 = System.nanoTime();
    static final Map<String, Object> out = new LinkedHashMap<>();
    static volatile double eventMeanSeconds;
    static Path dumps;

    public static void main(String[] args) {
        try {
            run(args);
            System.out.println("JSON " + JSON.writeValueAsString(out));
            System.exit(0);
        } catch (Throwable e) {
            e.printStackTrace();
            System.exit(1);
        }
    }

    static void run(String[] args) throws Exception {
        port = Integer.parseInt(args[0]);
        token = args[1];
        centralPid = Long.parseLong(args[2]);
        for (String a : Arrays.copyOfRange(args, 3, args.length)) {
            opts.put(a.substring(0, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
        }
        ports = Arrays.stream(opts.getOrDefault("ports", String.valueOf(port)).split(","))
                .mapToInt(Integer::parseInt).toArray();
        int n = intOpt("nodes", 1000);
        int roomsPerNode = intOpt("rooms-per-node", 10);
        int timeout = intOpt("node-timeout", 20);
        int drop = intOpt("drop", 100);
        eventMeanSeconds = Double.parseDouble(opts.getOrDefault("event-every", "120"));
        if (opts.containsKey("job-events")) {
            jobEvents = opts.get("job-events").split(",");
        }
        steady = "steady".equals(opts.get("pace"));
        int hold = intOpt("hold", 0);
        paused = hold > 0;
        dumps = opts.containsKey("dumps") ? Path.of(opts.get("dumps")) : null;
        out.put("nodes", n);
        out.put("rooms", n * roomsPerNode);
        out.put("node_timeout_s", timeout);
        out.put("event_every_s", eventMeanSeconds);
        Rss rss = new Rss();
        timers.scheduleAtFixedRate(rss::sample, 0, 500, TimeUnit.MILLISECONDS);

        // 1. every node connects and is asked for its rooms (allroom)
        long start = System.nanoTime();
        Semaphore dialling = new Semaphore(64);
        for (int i = 0; i < n; i++) {
            SimNode node = new SimNode(i);
            nodes.add(node);
            dialling.acquire();
            node.connect().whenComplete((ws, failure) -> dialling.release());
        }
        waitFor("joined", 120, () -> nodes.stream().allMatch(node -> node.reconciled));
        out.put("join_s", seconds(start));
        nodes.forEach(SimNode::startTimers);

        // 2. the rooms, added through the central's API, four requests at a time
        List<Long> rooms = new ArrayList<>();
        for (int i = 0; i < n * roomsPerNode; i++) {
            rooms.add(100_000L + i);
        }
        start = System.nanoTime();
        long cpu = cpuTicks();
        Semaphore adding = new Semaphore(4);
        AtomicInteger refused = new AtomicInteger();
        ConcurrentLinkedQueue<Long> addTimes = new ConcurrentLinkedQueue<>();
        long addDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(intOpt("add-limit", 600));
        int posted = 0;
        List<List<Double>> progress = new ArrayList<>();
        for (long room : rooms) {
            if (posted % 500 == 0) {
                // rooms posted so far, seconds since the first, the central's CPU seconds since the first
                progress.add(List.of((double) posted, seconds(start), (cpuTicks() - cpu) / 100.0));
            }
            if (System.nanoTime() > addDeadline) {
                break;
            }
            if (posted == rooms.size() / 2) {
                dump("adding-half");
            }
            adding.acquire();
            long sent = System.nanoTime();
            posted++;
            post("/api/rooms", "{\"roomId\":" + room + "}").whenComplete((r, f) -> {
                adding.release();
                addTimes.add(System.nanoTime() - sent);
                if (f != null || r.statusCode() != 200) {
                    refused.incrementAndGet();
                }
            });
        }
        adding.acquire(4);
        adding.release(4);
        double addS = seconds(start);
        List<Long> added = rooms.subList(0, posted);
        out.put("rooms_posted", posted);
        out.put("add_requests_s", addS);
        out.put("add_refused", refused.get());
        out.put("add_progress", progress);
        out.put("add_latency_ms", percentiles(new ArrayList<>(addTimes)));
        boolean placed = waitFor("all placed", 120, () -> placement(added).ok());
        out.put("place_all_s", seconds(start));
        out.put("place_all_ok", placed);
        out.put("place_all_central_cpu_s", (cpuTicks() - cpu) / 100.0);
        out.put("place_all_state", placement(added).toMap());
        if (hold > 0) {
            hold(hold, rss);
            return;
        }
        if (opts.containsKey("standby")) {
            takeover(added, rss);
            return;
        }

        // 3. steady state: command round trips, paced, while heartbeats and events go on
        rss.steady.clear();
        rss.measuringSteady = true;
        cpu = cpuTicks();
        start = System.nanoTime();
        out.put("commands", roundTrips(added, intOpt("commands", 300), intOpt("command-rate", 10)));
        out.put("steady_central_cpu_percent", 100.0 * (cpuTicks() - cpu) / 100.0 / seconds(start));
        rss.measuringSteady = false;
        out.put("rss_steady_mb", median(rss.steady));
        dump("steady");

        // 4. one node killed: its socket aborted (no close frame), its timers stopped
        SimNode victim = nodes.get(n / 2);
        Set<Long> victimRooms = victim.roomsNow();
        start = System.nanoTime();
        victim.kill();
        boolean moved = waitFor("one node's rooms moved", timeout + 60, () -> placement(victimRooms).ok());
        out.put("kill_one", Map.of("rooms", victimRooms.size(), "replaced_s", seconds(start), "ok", moved,
                "goal_s", timeout + 10));

        // 5. `drop` nodes at once
        List<SimNode> dropped = new ArrayList<>();
        Set<Long> droppedRooms = new HashSet<>();
        for (int i = 0; dropped.size() < Math.min(drop, n - 2); i++) {
            SimNode node = nodes.get((i * 7 + 3) % n);
            if (node != victim && !dropped.contains(node)) {
                dropped.add(node);
            }
        }
        dropped.forEach(node -> droppedRooms.addAll(node.roomsNow()));
        start = System.nanoTime();
        cpu = cpuTicks();
        dropped.forEach(SimNode::kill);
        timers.schedule(() -> dump("drop-plus-" + (timeout + 5) + "s"), timeout + 5, TimeUnit.SECONDS);
        boolean dropMoved = waitFor("dropped nodes' rooms moved", timeout + 90, () -> placement(droppedRooms).ok());
        out.put("drop", Map.of("nodes", dropped.size(), "rooms", droppedRooms.size(), "replaced_s", seconds(start),
                "ok", dropMoved, "goal_s", timeout + 30, "central_cpu_s", (cpuTicks() - cpu) / 100.0,
                "state", placement(droppedRooms).toMap()));

        // 6. they all come back (a restart: same nodeId, same recorder rooms, unacknowledged events sent again):
        //    the central takes back what it placed elsewhere
        List<SimNode> back = new ArrayList<>(dropped);
        back.add(victim);
        start = System.nanoTime();
        for (SimNode node : back) {
            node.revive();
        }
        boolean converged = waitFor("returned nodes reconciled", 120, () -> back.stream().allMatch(node -> node.reconciled)
                && placement(added).ok());
        out.put("return", Map.of("nodes", back.size(), "converged_s", seconds(start), "ok", converged,
                "state", placement(added).toMap()));

        // 7. every node reconnects at once, as after a restart of the central server: each one is reconciled (its
        //    allroom read and compared with the placement) and no room moves
        Map<String, Long> before = commandCounts();
        start = System.nanoTime();
        cpu = cpuTicks();
        nodes.forEach(SimNode::kill);
        nodes.forEach(SimNode::revive);
        boolean settled = waitFor("every node reconciled", 300, () -> nodes.stream().allMatch(node -> node.reconciled)
                && placement(added).ok());
        Map<String, Long> after = commandCounts();
        out.put("reconnect_all", Map.of("nodes", n, "converged_s", seconds(start), "ok", settled,
                "central_cpu_s", (cpuTicks() - cpu) / 100.0,
                "addroom", after.getOrDefault("addroom", 0L) - before.getOrDefault("addroom", 0L),
                "removeroom", after.getOrDefault("removeroom", 0L) - before.getOrDefault("removeroom", 0L),
                "state", placement(added).toMap()));

        // 8. events: stop making them, wait for every ack, then count what the central stored (its /ws from 0)
        nodes.forEach(SimNode::stopEvents);
        waitFor("every event acknowledged", 60, () -> nodes.stream().allMatch(node -> node.unackedCount() == 0));
        out.put("events", countStored());
        out.put("reconnects", reconnects.get());
        out.put("commands_answered", commandsAnswered.get());
        out.put("commands_by_name", commandsByName);
        out.put("rss_peak_mb", rss.peak);
        out.put("total_s", seconds(t0));
    }

    /**
     * The nodes as they are, for at most `seconds`: READY on stdout, then job events only while the control port
     * (control=PORT) says so, until it is asked for /done. What the nodes made, the central's CPU and RSS meanwhile.
     */
    static void hold(int seconds, Rss rss) throws Exception {
        CompletableFuture<Void> done = new CompletableFuture<>();
        com.sun.net.httpserver.HttpServer control = null;
        if (opts.containsKey("control")) {
            control = com.sun.net.httpserver.HttpServer.create(
                    new java.net.InetSocketAddress("127.0.0.1", intOpt("control", 0)), 8);
            control.createContext("/", exchange -> {
                String path = exchange.getRequestURI().getPath();
                switch (path) {
                    case "/events/on" -> paused = false;
                    case "/events/off" -> paused = true;
                    case "/done" -> {
                    }
                    default -> {
                        exchange.sendResponseHeaders(404, -1);
                        exchange.close();
                        return;
                    }
                }
                System.err.printf("%6.1f s  control: %s%n", seconds(t0), path);
                byte[] ok = "ok\n".getBytes();
                exchange.sendResponseHeaders(200, ok.length);
                exchange.getResponseBody().write(ok);
                exchange.close();
                if (path.equals("/done")) {
                    done.complete(null);
                }
            });
            control.start();
        }
        long made = nodes.stream().mapToLong(SimNode::made).sum();
        long cpu = cpuTicks();
        long start = System.nanoTime();
        rss.steady.clear();
        rss.measuringSteady = true;
        System.out.println("READY");
        System.out.flush();
        try {
            done.get(seconds, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            System.err.printf("%6.1f s  hold: %d s are up%n", seconds(t0), seconds);
        }
        double held = (System.nanoTime() - start) / 1e9;
        rss.measuringSteady = false;
        if (control != null) {
            control.stop(0);
        }
        out.put("hold_s", held);
        out.put("job_events", List.of(jobEvents));
        out.put("pace", steady ? "steady" : "exponential");
        out.put("hold_events_made", nodes.stream().mapToLong(SimNode::made).sum() - made);
        out.put("hold_central_cpu_percent", 100.0 * (cpuTicks() - cpu) / 100.0 / held);
        out.put("rss_steady_mb", median(rss.steady));
        out.put("rss_peak_mb", rss.peak);
        out.put("reconnects", reconnects.get());
        out.put("total_s", seconds(t0));
    }

    /**
     * Two central servers (ports=LEADER,STANDBY): after run-before-kill seconds of events the leader (PID) is killed
     * with SIGKILL and the standby (standby=PORT:PID) takes over. How long until its health says it leads, until every
     * node is connected to it and reconciled; which rooms moved; what it stored of the nodes' events, counted after
     * run-after seconds more; its RSS and CPU from the kill on.
     */
    static void takeover(List<Long> added, Rss rss) throws Exception {
        String[] standby = opts.get("standby").split(":");
        int standbyPort = Integer.parseInt(standby[0]);
        long standbyPid = Long.parseLong(standby[1]);
        Thread.sleep(intOpt("run-before-kill", 20) * 1000L);
        Map<Long, String> placedBefore = holders();
        Map<String, Long> commandsBefore = commandCounts();
        long madeBefore = nodes.stream().mapToLong(SimNode::made).sum();
        out.put("leader_rss_peak_mb", rss.peak);
        out.put("standby_rss_before_mb", rssMb(standbyPid));
        long killed = System.nanoTime();
        long killedAt = System.currentTimeMillis();
        ProcessHandle.of(centralPid).orElseThrow().destroyForcibly();
        System.err.printf("%6.1f s  leader (pid %d) killed%n", seconds(t0), centralPid);
        port = standbyPort;
        centralPid = standbyPid;
        rss.peak = 0;
        long cpu = cpuTicks();
        boolean led = waitFor("the standby leads", 120, () -> leads(standbyPort));
        double takeoverS = seconds(killed);
        boolean connected = waitFor("every node connected to the new leader", 300,
                () -> nodes.stream().allMatch(node -> node.connectedTo(standbyPort, killed)));
        double connectedS = seconds(killed);
        boolean settled = waitFor("every node reconciled by the new leader", 120,
                () -> nodes.stream().allMatch(node -> node.reconciledAt > killed) && placement(added).ok());
        double settledS = seconds(killed);
        List<Long> reconnected = new ArrayList<>();
        for (SimNode node : nodes) {
            synchronized (node) {
                if (node.openedPort == standbyPort && node.openedAt > killed) {
                    reconnected.add(node.openedAt - killed);
                }
            }
        }
        Thread.sleep(intOpt("run-after", 10) * 1000L);
        Map<Long, String> placedAfter = holders();
        long moved = added.stream().filter(room -> !java.util.Objects.equals(placedBefore.get(room), placedAfter.get(room)))
                .count();
        Map<String, Long> commandsAfter = commandCounts();
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("nodes", nodes.size());
        result.put("killed_at_ms", killedAt);
        result.put("takeover_s", takeoverS);
        result.put("led", led);
        result.put("first_node_s", reconnected.stream().mapToLong(Long::longValue).min().orElse(0) / 1e9);
        result.put("all_connected_s", connectedS);
        result.put("all_connected", connected);
        result.put("reconnect_ms", percentiles(reconnected));
        result.put("all_reconciled_s", settledS);
        result.put("all_reconciled", settled);
        result.put("rooms_moved", moved);
        result.put("addroom", commandsAfter.getOrDefault("addroom", 0L) - commandsBefore.getOrDefault("addroom", 0L));
        result.put("removeroom", commandsAfter.getOrDefault("removeroom", 0L)
                - commandsBefore.getOrDefault("removeroom", 0L));
        result.put("state", placement(added).toMap());
        result.put("standby_refusals", standbyRefusals.get());
        out.put("takeover", result);
        out.put("events_made_before_kill", madeBefore);

        nodes.forEach(SimNode::stopEvents);
        waitFor("every event acknowledged", 60, () -> nodes.stream().allMatch(node -> node.unackedCount() == 0));
        out.put("events", countStored());
        out.put("new_leader_cpu_s", (cpuTicks() - cpu) / 100.0);
        out.put("new_leader_rss_peak_mb", rss.peak);
        out.put("reconnects", reconnects.get());
        out.put("commands_by_name", commandsByName);
        out.put("total_s", seconds(t0));
    }

    /** The central server on `port` says in its health that it leads. */
    static boolean leads(int port) {
        try {
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/observe/health?exposureLevel=full&data=true"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            for (JsonNode check : JSON.readTree(health.body()).path("checks")) {
                if ("leadership".equals(check.path("name").asText())) {
                    return check.path("data").path("leader").asBoolean();
                }
            }
        } catch (Exception notYet) {
            // not answering yet
        }
        return false;
    }

    /** Which live node holds each room (by the nodes' own room sets). */
    static Map<Long, String> holders() {
        Map<Long, String> holders = new HashMap<>();
        for (SimNode node : nodes) {
            synchronized (node) {
                if (node.alive) {
                    node.rooms.forEach(room -> holders.merge(room, node.nodeId, (a, b) -> a + "," + b));
                }
            }
        }
        return holders;
    }

    static double rssMb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.split("\\s+")[1]) / 1024.0;
                }
            }
        } catch (Exception gone) {
            // not running
        }
        return Double.NaN;
    }

    // ---------------------------------------------------------------------------------------------- the simulated node

    static final class SimNode {
        final int index;
        final String name;
        final String nodeId;
        final Set<Long> rooms = new HashSet<>();
        final TreeMap<Long, String> unacked = new TreeMap<>();
        long seq;
        long acked;
        long eventsMade;
        long jobs;
        boolean alive = true;
        volatile boolean reconciled;
        boolean eventsOn = true;
        WebSocket ws;
        CompletableFuture<?> tail = CompletableFuture.completedFuture(null);
        ScheduledFuture<?> heartbeat;
        /** The round over the central servers, as a real node's CentralRound: which one is dialled, which were tried. */
        int dialled;
        final boolean[] tried = new boolean[ports.length];
        int namedAfterItsTurn = -1;
        /** Failed rounds since a server last acknowledged something or sent a command (the node's Backoff). */
        int failures;
        /** When a central server last accepted the handshake, which one, and when the node last answered allroom. */
        long openedAt;
        int openedPort;
        long reconciledAt;

        SimNode(int index) {
            this.index = index;
            this.name = String.format("sim-%04d", index);
            this.nodeId = UUID.nameUUIDFromBytes(("bench-node-" + index).getBytes()).toString();
        }

        CompletableFuture<WebSocket> connect() {
            StringBuilder text = new StringBuilder();
            int target;
            synchronized (this) {
                target = ports[dialled];
            }
            return wsClient.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(30))
                    .buildAsync(URI.create("ws://127.0.0.1:" + target + "/nodes?token=" + token), new WebSocket.Listener() {
                        @Override
                        public void onOpen(WebSocket socket) {
                            opened(socket);
                            socket.request(1);
                        }

                        @Override
                        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
                            text.append(data);
                            if (last) {
                                String frame = text.toString();
                                text.setLength(0);
                                received(socket, frame);
                            }
                            socket.request(1);
                            return null;
                        }

                        @Override
                        public CompletionStage<?> onClose(WebSocket socket, int code, String reason) {
                            lost(socket);
                            return null;
                        }

                        @Override
                        public void onError(WebSocket socket, Throwable error) {
                            lost(socket);
                        }
                    }).whenComplete((socket, failure) -> {
                        if (failure != null) {
                            refused(failure);
                        }
                    });
        }

        /** The handshake failed: a standby's 503 names the leader (dialled next), anything else tries the next one. */
        void refused(Throwable failure) {
            Throwable cause = failure;
            while (cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null) {
                cause = cause.getCause();
            }
            String leader = null;
            if (cause instanceof java.net.http.WebSocketHandshakeException handshake
                    && handshake.getResponse().statusCode() == 503
                    && handshake.getResponse().body() instanceof String body) {
                try {
                    leader = JSON.readTree(body).path("leader").asText(null);
                } catch (Exception notJson) {
                    // a 503 that is not a standby's: the next URL, as for any failure
                }
                standbyRefusals.incrementAndGet();
            }
            synchronized (this) {
                failedOver(leader);
            }
        }

        synchronized void opened(WebSocket socket) {
            ws = socket;
            openedAt = System.nanoTime();
            openedPort = ports[dialled];
            tail = CompletableFuture.completedFuture(null);
            ObjectNode hello = JSON.createObjectNode().put("type", "hello").put("node", name).put("nodeId", nodeId)
                    .put("version", "0.1.0").put("lastAcked", acked).put("capacity", 0);
            hello.putArray("labels");
            send(hello.toString());
            unacked.values().forEach(this::send);
        }

        synchronized void lost(WebSocket socket) {
            if (socket != null && socket != ws) {
                return;
            }
            ws = null;
            if (alive) {
                reconnects.incrementAndGet();
            }
            failedOver(null);
        }

        /**
         * The dialled server failed (CentralRound.failed): the leader a standby named if not yet tried this round, else
         * the next untried one, at once; once every one failed, the next round after the node's backoff (1 s doubling
         * up to 60 s, drawn from its upper half), starting with a leader named after its turn.
         */
        synchronized void failedOver(String leader) {
            if (!alive) {
                return;
            }
            tried[dialled] = true;
            int named = -1;
            for (int i = 0; leader != null && i < ports.length; i++) {
                if (leader.equals("127.0.0.1:" + ports[i])) {
                    named = i;
                }
            }
            long delay = -1;
            if (named >= 0 && !tried[named]) {
                dialled = named;
                delay = 0;
            } else {
                if (named >= 0) {
                    namedAfterItsTurn = named;
                }
                for (int step = 1; step < ports.length && delay < 0; step++) {
                    int next = (dialled + step) % ports.length;
                    if (!tried[next]) {
                        dialled = next;
                        delay = 0;
                    }
                }
            }
            if (delay < 0) {
                dialled = namedAfterItsTurn >= 0 ? namedAfterItsTurn : (dialled + 1) % ports.length;
                Arrays.fill(tried, false);
                namedAfterItsTurn = -1;
                long ceiling = Math.min(60_000, 1000L << Math.min(failures++, 20));
                delay = ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
            }
            timers.schedule(() -> {
                if (alive) {
                    connect();
                }
            }, delay, TimeUnit.MILLISECONDS);
        }

        /** A server acknowledged something or sent a command: the round and the backoff start over. */
        synchronized void accepted() {
            Arrays.fill(tried, false);
            namedAfterItsTurn = -1;
            failures = 0;
        }

        void send(String text) {
            WebSocket socket = ws;
            if (socket == null) {
                return;
            }
            // one frame at a time, as the JDK's WebSocket requires
            tail = tail.handle((r, f) -> null).thenCompose(v -> socket.sendText(text, true));
        }

        void received(WebSocket socket, String text) {
            Frame frame = Frames.read(text);
            if (frame instanceof Ack || frame instanceof Command) {
                accepted();
            }
            if (frame instanceof Ack ack) {
                synchronized (this) {
                    acked = Math.max(acked, ack.seq());
                    unacked.headMap(acked, true).clear();
                }
            } else if (frame instanceof Command command) {
                commandsAnswered.incrementAndGet();
                commandsByName.computeIfAbsent(command.command(), c -> new AtomicLong()).incrementAndGet();
                answer(socket, command);
            }
        }

        synchronized void answer(WebSocket socket, Command command) {
            if (socket != ws) {
                return;
            }
            long room = command.args() == null ? 0 : command.args().path("roomid").asLong();
            ObjectNode reply = JSON.createObjectNode().put("type", "reply");
            reply.set("id", command.id());
            int code = 0;
            switch (command.command()) {
                case "allroom" -> {
                    ArrayNode list = reply.putArray("data");
                    rooms.stream().sorted().forEach(r -> list.add(room(r)));
                    reconciled = true;
                    reconciledAt = System.nanoTime();
                }
                case "addroom" -> {
                    if (rooms.add(room)) {
                        emit("RoomAdded", JSON.createObjectNode().put("roomId", room).put("source", "api"));
                        reply.set("data", room(room));
                    } else {
                        code = 4032;
                    }
                }
                case "removeroom" -> {
                    if (rooms.remove(room)) {
                        emit("RoomRemoved", JSON.createObjectNode().put("roomId", room).put("source", "api"));
                        reply.putObject("data").put("roomId", room).put("synced", true);
                    } else {
                        code = 4042;
                    }
                }
                case "startrecording", "stoprecording", "split", "getroom" -> {
                    if (rooms.contains(room)) {
                        reply.set("data", room(room));
                    } else {
                        code = 4042;
                    }
                }
                default -> code = 4001;
            }
            reply.put("code", code);
            if (code != 0) {
                reply.remove("data");
                reply.put("message", "code " + code);
            }
            send(reply.toString());
        }

        ObjectNode room(long room) {
            return JSON.createObjectNode().put("roomId", room).putNull("shortId").put("name", "room " + room)
                    .put("title", "title").put("autoRecord", true).put("recording", false).put("streaming", false)
                    .put("synced", true).put("source", "api");
        }

        /** A stored event: kept until acknowledged, sent now if connected. */
        synchronized void emit(String type, ObjectNode fields) {
            ObjectNode event = JSON.createObjectNode().put("type", type).put("seq", ++seq)
                    .put("time", Instant.now().toString()).put("node", name);
            event.setAll(fields);
            String text = event.toString();
            unacked.put(seq, text);
            eventsMade++;
            send(text);
        }

        synchronized void beat() {
            if (!alive || ws == null) {
                return;
            }
            ThreadLocalRandom random = ThreadLocalRandom.current();
            ObjectNode event = JSON.createObjectNode().put("type", "heartbeat").put("seq", ++seq)
                    .put("time", Instant.now().toString()).put("node", name);
            event.putObject("cpu").put("percent", Math.round(random.nextDouble(5, 60) * 10) / 10.0).put("cores", 4);
            event.putObject("memory").put("total", 8L << 30).put("used", 3L << 30).put("free", 5L << 30)
                    .put("percent", 37.5).putObject("process").put("rss", 180L << 20).put("heap", 60L << 20);
            event.putObject("disk").put("path", "/srv/rec").put("total", 4L << 40)
                    .put("used", (1L << 40) + index * (1L << 30)).put("free", (3L << 40) - index * (1L << 30))
                    .put("percent", 25.0);
            ObjectNode queues = event.putObject("queues");
            queues.put("pending", random.nextInt(3)).put("running", random.nextInt(2)).put("failed", 0);
            event.put("rooms", rooms.size()).put("subscribers", 0).put("version", "0.1.0");
            send(event.toString());
        }

        void startTimers() {
            heartbeat = timers.scheduleAtFixedRate(this::beat, ThreadLocalRandom.current().nextLong(5000), 5000,
                    TimeUnit.MILLISECONDS);
            scheduleJob();
        }

        /**
         * A recording file's job, every event-every seconds on average: its events a few seconds apart. With
         * pace=steady, one job after another, its events event-every / their number apart (the first at a random
         * phase), so that many nodes together send at an even rate.
         */
        void scheduleJob() {
            long delay = steady ? ThreadLocalRandom.current().nextLong(stepMillis())
                    : (long) (-Math.log(1 - ThreadLocalRandom.current().nextDouble()) * eventMeanSeconds * 1000);
            timers.schedule(() -> jobStep(0, 0, 0, null), delay, TimeUnit.MILLISECONDS);
        }

        static long stepMillis() {
            return Math.max(1, Math.round(eventMeanSeconds * 1000 / jobEvents.length));
        }

        void jobStep(int step, long job, long room, String session) {
            synchronized (this) {
                if (!alive || !eventsOn) {
                    return;
                }
                if (paused) {
                    // held back (hold mode): the job is dropped, the next one waits for the events to resume
                    timers.schedule(this::scheduleJob, stepMillis(), TimeUnit.MILLISECONDS);
                    return;
                }
                if (step == 0) {
                    job = ++jobs;
                    room = rooms.isEmpty() ? 1
                            : steady ? rooms.stream().sorted().skip(job % rooms.size()).findFirst().orElseThrow()
                            : rooms.iterator().next();
                    session = UUID.randomUUID().toString();
                }
                emit(jobEvents[step], fields(jobEvents[step], job, room, session));
            }
            if (step + 1 < jobEvents.length) {
                long j = job;
                long r = room;
                String s = session;
                timers.schedule(() -> jobStep(step + 1, j, r, s),
                        steady ? stepMillis() : ThreadLocalRandom.current().nextLong(1000, 3000), TimeUnit.MILLISECONDS);
            } else if (steady) {
                timers.schedule(() -> jobStep(0, 0, 0, null), stepMillis(), TimeUnit.MILLISECONDS);
            } else {
                scheduleJob();
            }
        }

        /** An event's fields as a node sends them: the recorder's (a session's), or a pipeline stage's. */
        static ObjectNode fields(String type, long job, long room, String session) {
            String file = room + "-room/录制-" + room + "-" + job + ".flv";
            ObjectNode fields = JSON.createObjectNode().put("roomId", room);
            switch (type) {
                case "StreamStarted", "SessionStarted", "FileOpening", "FileClosed", "SessionEnded", "StreamEnded" -> {
                    fields.put("eventId", UUID.randomUUID().toString()).put("recorder", "bililive-recorder");
                    if (type.startsWith("File")) {
                        fields.put("file", file);
                    }
                    if (type.equals("FileClosed")) {
                        fields.put("fileSize", 1_234_567_890L).put("duration", 3600.0);
                    }
                    fields.put("sessionId", session).put("name", "room " + room).put("title", "title")
                            .put("recording", !type.equals("StreamStarted") && !type.endsWith("Ended"))
                            .put("streaming", !type.equals("StreamEnded"));
                }
                default -> {
                    fields.put("jobId", job).put("file", file);
                    switch (type) {
                        case "TranscodeStarted", "UpStarted" -> fields.put("attempt", 1).put("mode", "COPY");
                        case "TranscodeEnded" -> fields.put("output", "/srv/out/" + file.replace(".flv", ".mp4"));
                        default -> fields.put("url", "https://archive.example/" + job);
                    }
                }
            }
            return fields;
        }

        /** The process dies: no close frame, no more heartbeats or events. Its rooms and outbox stay on disk. */
        void kill() {
            WebSocket socket;
            synchronized (this) {
                alive = false;
                reconciled = false;
                socket = ws;
                ws = null;
                heartbeat.cancel(false);
            }
            if (socket != null) {
                socket.abort();
            }
        }

        /** The node starts again: same id, same rooms in its recorder, its unacknowledged events sent again. */
        void revive() {
            synchronized (this) {
                alive = true;
            }
            connect();
            startTimers();
        }

        synchronized long made() {
            return eventsMade;
        }

        synchronized void stopEvents() {
            eventsOn = false;
        }

        synchronized int unackedCount() {
            return alive ? unacked.size() : 0;
        }

        synchronized Set<Long> roomsNow() {
            return new HashSet<>(rooms);
        }

        synchronized boolean connectedTo(int port, long since) {
            return ws != null && openedPort == port && openedAt > since;
        }

        synchronized boolean holds(long room) {
            return alive && rooms.contains(room);
        }
    }

    // ---------------------------------------------------------------------------------------------------- measuring

    record Placement(int wanted, int once, int twice, int nowhere) {
        boolean ok() {
            return once == wanted;
        }

        Map<String, Object> toMap() {
            return Map.of("wanted", wanted, "on_one_node", once, "on_two_or_more", twice, "on_none", nowhere);
        }
    }

    /** Where the rooms are, from the live nodes' own room sets. */
    static Placement placement(Iterable<Long> wanted) {
        Map<Long, Integer> holders = new HashMap<>();
        for (SimNode node : nodes) {
            synchronized (node) {
                if (node.alive) {
                    node.rooms.forEach(room -> holders.merge(room, 1, Integer::sum));
                }
            }
        }
        int total = 0, once = 0, twice = 0, nowhere = 0;
        for (long room : wanted) {
            total++;
            int count = holders.getOrDefault(room, 0);
            if (count == 1) {
                once++;
            } else if (count == 0) {
                nowhere++;
            } else {
                twice++;
            }
        }
        return new Placement(total, once, twice, nowhere);
    }

    /** POST /api/rooms/{id}/start at a steady rate, each timed from when it was due (no coordinated omission). */
    static Map<String, Long> commandCounts() {
        Map<String, Long> counts = new HashMap<>();
        commandsByName.forEach((name, count) -> counts.put(name, count.get()));
        return counts;
    }

    static Map<String, Object> roundTrips(List<Long> rooms, int count, int rate) throws Exception {
        ConcurrentLinkedQueue<Long> times = new ConcurrentLinkedQueue<>();
        Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        List<CompletableFuture<?>> sent = new ArrayList<>();
        long begin = System.nanoTime();
        long interval = 1_000_000_000L / rate;
        for (int i = 0; i < count; i++) {
            long due = begin + i * interval;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            long room = rooms.get(ThreadLocalRandom.current().nextInt(rooms.size()));
            sent.add(post("/api/rooms/" + room + "/start", "").whenComplete((r, f) -> {
                times.add(System.nanoTime() - due);
                statuses.computeIfAbsent(f != null ? -1 : r.statusCode(), s -> new AtomicInteger()).incrementAndGet();
            }));
        }
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).handle((r, f) -> null).get(60, TimeUnit.SECONDS);
        Map<String, Object> result = new LinkedHashMap<>(percentiles(new ArrayList<>(times)));
        result.put("count", count);
        result.put("rate", rate);
        result.put("statuses", statuses);
        return result;
    }

    /** Every node event the central stored, read back from its /ws from the start, against what the nodes made. */
    static Map<String, Object> countStored() throws Exception {
        Map<String, Set<Long>> stored = new ConcurrentHashMap<>();
        Map<String, AtomicLong> central = new ConcurrentHashMap<>();
        AtomicLong duplicates = new AtomicLong();
        AtomicLong frames = new AtomicLong();
        AtomicLong lastFrame = new AtomicLong(System.nanoTime());
        StringBuilder text = new StringBuilder();
        WebSocket ws = wsClient.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws?since=0"),
                new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
                        text.append(data);
                        if (last) {
                            lastFrame.set(System.nanoTime());
                            frames.incrementAndGet();
                            try {
                                JsonNode event = JSON.readTree(text.toString());
                                if ("central".equals(event.path("node").asText())) {
                                    central.computeIfAbsent(event.path("type").asText(), t -> new AtomicLong())
                                            .incrementAndGet();
                                } else if (event.has("nodeSeq") && event.path("node").asText().startsWith("sim-")) {
                                    if (!stored.computeIfAbsent(event.get("nodeId").asText(),
                                            id -> ConcurrentHashMap.newKeySet()).add(event.get("nodeSeq").asLong())) {
                                        duplicates.incrementAndGet();
                                    }
                                }
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                            text.setLength(0);
                        }
                        socket.request(1);
                        return null;
                    }
                }).get(30, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() - lastFrame.get() < TimeUnit.SECONDS.toNanos(3) && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        ws.abort();
        long made = 0, missing = 0;
        for (SimNode node : nodes) {
            synchronized (node) {
                made += node.eventsMade;
                Set<Long> got = stored.getOrDefault(node.nodeId, Set.of());
                // the node's events are its seqs that were not heartbeats: whatever is unacked is still unsent
                missing += node.eventsMade - got.size();
            }
        }
        long storedCount = stored.values().stream().mapToLong(Set::size).sum();
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("made_by_nodes", made);
        result.put("stored_distinct", storedCount);
        result.put("missing", missing);
        result.put("stored_twice", duplicates.get());
        result.put("ws_frames", frames.get());
        result.put("central_events", new TreeMap<>(central));
        result.put("rate_per_s", made / seconds(t0));
        return result;
    }

    static CompletableFuture<HttpResponse<String>> post(String path, String body) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    }

    static final class Rss {
        volatile double peak;
        volatile boolean measuringSteady;
        final List<Double> steady = new java.util.concurrent.CopyOnWriteArrayList<>();

        void sample() {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/" + centralPid + "/status"))) {
                    if (line.startsWith("VmRSS:")) {
                        double mb = Long.parseLong(line.split("\\s+")[1]) / 1024.0;
                        peak = Math.max(peak, mb);
                        if (measuringSteady) {
                            steady.add(mb);
                        }
                    }
                }
            } catch (Exception ignored) {
                // the central has exited; the run fails elsewhere
            }
        }
    }

    /** The central's user + system CPU time, in clock ticks (1/100 s). */
    static long cpuTicks() {
        try {
            String stat = Files.readString(Path.of("/proc/" + centralPid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (Exception e) {
            return 0;
        }
    }

    /** A thread dump of the central (jcmd), for where the time goes; only with dumps=DIR. */
    static void dump(String label) {
        if (dumps == null) {
            return;
        }
        try {
            Files.createDirectories(dumps);
            new ProcessBuilder("jcmd", String.valueOf(centralPid), "Thread.print")
                    .redirectOutput(dumps.resolve(String.format("%04.0f-%s.txt", seconds(t0), label)).toFile())
                    .redirectErrorStream(true).start().waitFor(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            System.err.println("no thread dump: " + e);
        }
    }

    static boolean waitFor(String what, int seconds, Supplier<Boolean> done) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long next = System.nanoTime();
        while (!done.get()) {
            if (System.nanoTime() > deadline) {
                System.err.printf("%6.1f s  %s: not within %d s%n", seconds(t0), what, seconds);
                return false;
            }
            if (System.nanoTime() > next) {
                System.err.printf("%6.1f s  waiting: %s%n", seconds(t0), what);
                next = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            }
            Thread.sleep(100);
        }
        System.err.printf("%6.1f s  %s%n", seconds(t0), what);
        return true;
    }

    static Map<String, Object> percentiles(List<Long> nanos) {
        nanos.sort(null);
        Map<String, Object> p = new LinkedHashMap<>();
        if (nanos.isEmpty()) {
            return p;
        }
        p.put("p50_ms", nanos.get(nanos.size() / 2) / 1e6);
        p.put("p99_ms", nanos.get(Math.min(nanos.size() - 1, (int) Math.ceil(nanos.size() * 0.99) - 1)) / 1e6);
        p.put("max_ms", nanos.get(nanos.size() - 1) / 1e6);
        return p;
    }

    static double median(List<Double> xs) {
        if (xs.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(xs);
        sorted.sort(null);
        return sorted.get(sorted.size() / 2);
    }

    static double seconds(long since) {
        return Math.round((System.nanoTime() - since) / 1e8) / 10.0;
    }

    static int intOpt(String name, int fallback) {
        return opts.containsKey(name) ? Integer.parseInt(opts.get(name)) : fallback;
    }

    static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
