package io.nglive.central;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nglive.journal.Database;
import io.nglive.journal.FastTempDir;
import io.nglive.protocol.Command;
import io.nglive.protocol.Frames;
import io.nglive.testing.CapturedLog;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checks a command passes before it reaches the route (its name, its arguments, its room's epoch), and what the
 * route gets. The route itself (the same beans as the HTTP API, its error codes) runs in CentralIT against the
 * packaged application; here it is a room list and a recorder that answers, or not.
 */
class CentralCommandsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DONE = "{\"code\":0,\"data\":\"done\"}";
    /** Its room actions take a while, and say which epoch's command ran them ({@link #epochRun}). */
    private static final String SLOW_ROOM = "7";

    @TempDir(factory = FastTempDir.class)
    Path data;

    Database database;
    RoomEpochs epochs;
    CamelContext camel;
    Commands commands;
    final List<Map<String, Object>> seen = new CopyOnWriteArrayList<>();
    final Set<String> rooms = ConcurrentHashMap.newKeySet();
    volatile boolean recorderDown;
    /** The epoch of the command the current thread sends, for the route to note in {@link #slowRoomRuns}. */
    final ThreadLocal<Long> epochRun = new ThreadLocal<>();
    final List<Long> slowRoomRuns = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger slowRoomBusy = new AtomicInteger();
    final AtomicInteger slowRoomMostBusy = new AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        database = new Database(data);
        epochs = new RoomEpochs(database.dataSource());
        camel = new DefaultCamelContext();
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(CentralCommands.ENDPOINT).process(exchange -> {
                    Map<String, Object> headers = Map.copyOf(exchange.getMessage().getHeaders());
                    seen.add(headers);
                    if ("boom".equals(headers.get("roomid"))) {
                        throw new IllegalStateException("the database at jdbc:x?password=hunter2 is gone");
                    }
                    exchange.getMessage().setBody(answer(headers));
                });
            }
        });
        camel.start();
        commands = new Commands(new CentralCommands(camel, JSON, epochs));
    }

    @AfterEach
    void stop() {
        camel.stop();
        database.stop();
    }

    /** What the room API would answer, as far as these tests need. */
    private String answer(Map<String, Object> headers) throws InterruptedException {
        String room = (String) headers.get("roomid");
        return switch ((String) headers.get(CentralCommands.COMMAND_HEADER)) {
            case "addroom" -> rooms.add(room) ? DONE : refused(4032, "room " + room + " is already added");
            case "removeroom" -> rooms.remove(room) ? DONE : refused(4042, "room " + room + " is not in the list");
            case "startrecording", "stoprecording", "split" -> {
                if (SLOW_ROOM.equals(room)) {
                    slowRoomMostBusy.accumulateAndGet(slowRoomBusy.incrementAndGet(), Math::max);
                    slowRoomRuns.add(epochRun.get());
                    Thread.sleep(20);
                    slowRoomBusy.decrementAndGet();
                }
                yield recorderDown ? refused(5020, "the recorder cannot be reached") : DONE;
            }
            default -> DONE;
        };
    }

    private static String refused(int code, String message) {
        return "{\"code\":" + code + ",\"message\":\"" + message + "\"}";
    }

    @Test
    void aKnownCommandReachesTheRouteWithItsArgumentsAsHeadersAndRepliesWithItsAnswer() throws Exception {
        JsonNode reply = commands.run(frame("{\"type\":\"command\",\"id\":\"a-7\",\"command\":\"jobs\","
                + "\"args\":{\"status\":\"failed\",\"roomid\":23058,\"limit\":null}}"));

        assertThat(reply.toString()).isEqualTo("{\"type\":\"reply\",\"id\":\"a-7\",\"code\":0,\"data\":\"done\"}");
        assertThat(seen).singleElement().satisfies(headers -> assertThat(headers).containsExactlyInAnyOrderEntriesOf(
                Map.of(CentralCommands.COMMAND_HEADER, "jobs", "status", "failed", "roomid", "23058")));
    }

    @Test
    void everyCommandOfTheProtocolIsKnown() throws Exception {
        for (String name : List.of("allroom", "getroom", "addroom", "removeroom", "autorecord", "jobs", "retryjob",
                "uploadrole", "startrecording", "stoprecording", "split")) {
            String args = switch (name) {
                case "retryjob" -> "{\"id\":1}";
                case "allroom" -> "{}";
                case "autorecord" -> "{\"roomid\":1,\"autoRecord\":false}";
                case "uploadrole" -> "{\"roomid\":1,\"session\":\"s\",\"role\":\"primary\",\"primary\":\"node-a\"}";
                default -> "{\"roomid\":1}";
            };
            JsonNode reply = commands.run(frame("{\"id\":1,\"command\":\"" + name + "\",\"args\":" + args + "}"));
            assertThat(reply.path("code").asInt()).as(name).isZero();
        }
        assertThat(CentralCommands.names()).hasSize(11).startsWith("allroom");
    }

    @Test
    void theRouteHasABranchForEveryCommandAndNoOther() throws Exception {
        String route = Files.readString(Path.of("routes/90-central.camel.yaml"), StandardCharsets.UTF_8);
        Matcher branch = Pattern.compile("\\$\\{header\\.NgliveCommand} (==|in) '([\\w,]+)'").matcher(route);
        List<String> branches = new ArrayList<>();
        while (branch.find()) {
            branches.addAll(List.of(branch.group(2).split(",")));
        }

        assertThat(branches).containsExactlyInAnyOrderElementsOf(CentralCommands.names());
    }

    @Test
    void uploadroleNeedsItsRoomSessionAndRoleAndAddroomMayCarryReplicas() throws Exception {
        assertThat(problem("{\"id\":1,\"command\":\"uploadrole\",\"args\":{\"roomid\":1,\"session\":\"s\"}}"))
                .isEqualTo("uploadrole needs args.role");
        assertThat(problem("{\"id\":1,\"command\":\"uploadrole\",\"args\":{\"roomid\":1,\"role\":\"primary\"}}"))
                .isEqualTo("uploadrole needs args.session");
        assertThat(problem("{\"id\":1,\"command\":\"uploadrole\",\"args\":{\"roomid\":1,\"session\":\"s\","
                + "\"role\":\"primary\",\"replicas\":2}}")).isEqualTo("uploadrole has no argument \"replicas\" "
                + "(its arguments: [role, roomid, session, primary])");
        assertThat(seen).isEmpty();

        assertThat(code(placed("addroom", 23058, 1, ",\"replicas\":2"))).isZero();
        assertThat(seen).singleElement().satisfies(headers -> assertThat(headers).containsEntry("replicas", "2"));
    }

    @Test
    void anUnknownCommandIs4001AndNamesTheKnownOnes() throws Exception {
        JsonNode reply = commands.run(frame("{\"id\":3,\"command\":\"reboot\"}"));
        assertThat(reply.path("code").asInt()).isEqualTo(4001);
        assertThat(reply.path("id").asInt()).isEqualTo(3);
        assertThat(reply.path("message").asText()).contains("\"reboot\"", "allroom", "split");
        assertThat(seen).isEmpty();
    }

    @Test
    void badArgumentsAre4002AndSayWhatIsWrong() throws Exception {
        assertThat(problem("{\"id\":1,\"command\":\"getroom\"}")).isEqualTo("getroom needs args.roomid");
        assertThat(problem("{\"id\":1,\"command\":\"getroom\",\"args\":{\"roomid\":null}}"))
                .isEqualTo("getroom needs args.roomid");
        assertThat(problem("{\"id\":1,\"command\":\"getroom\",\"args\":[23058]}")).contains("must be an object");
        assertThat(problem("{\"id\":1,\"command\":\"getroom\",\"args\":\"23058\"}")).contains("must be an object");
        assertThat(problem("{\"id\":1,\"command\":\"getroom\",\"args\":{\"roomId\":23058}}"))
                .isEqualTo("getroom has no argument \"roomId\" (its arguments: [roomid])");
        assertThat(problem("{\"id\":1,\"command\":\"allroom\",\"args\":{\"roomid\":1}}")).contains("its arguments: none");
        assertThat(problem("{\"id\":1,\"command\":\"retryjob\",\"args\":{\"id\":{\"n\":1}}}"))
                .contains("\"id\" must be a number or a string");
        assertThat(problem("{\"id\":1,\"args\":{}}")).contains("needs \"command\"");
        assertThat(problem("{\"id\":1,\"command\":42}")).contains("needs \"command\"");
        assertThat(seen).isEmpty();
    }

    @Test
    void autorecordNeedsTheRoomAndTheValueAndPassesBothOn() throws Exception {
        assertThat(problem("{\"id\":1,\"command\":\"autorecord\",\"args\":{\"roomid\":1}}"))
                .isEqualTo("autorecord needs args.autoRecord");
        assertThat(problem("{\"id\":1,\"command\":\"autorecord\",\"args\":{\"autoRecord\":true}}"))
                .isEqualTo("autorecord needs args.roomid");
        assertThat(problem("{\"id\":1,\"command\":\"autorecord\",\"args\":{\"roomid\":1,\"autorecord\":true}}"))
                .isEqualTo("autorecord has no argument \"autorecord\" (its arguments: [autoRecord, roomid])");
        assertThat(seen).isEmpty();

        assertThat(commands.run(frame("{\"id\":2,\"command\":\"autorecord\",\"args\":{\"roomid\":23058,"
                + "\"autoRecord\":false}}")).path("code").asInt()).isZero();
        assertThat(seen).singleElement().satisfies(headers -> assertThat(headers).containsExactlyInAnyOrderEntriesOf(
                Map.of(CentralCommands.COMMAND_HEADER, "autorecord", "roomid", "23058", "autoRecord", "false")));
    }

    @Test
    void anAutorecordFromAnEarlierPlacementIsRefusedAndOneFromTheCurrentRaisesTheEpoch() throws Exception {
        assertThat(code(placed("addroom", 23058, 3))).isZero();

        assertThat(code(placed("autorecord", 23058, 2))).isEqualTo(CentralCommands.STALE_EPOCH);
        assertThat(seen).extracting(h -> h.get(CentralCommands.COMMAND_HEADER)).doesNotContain("autorecord");

        assertThat(code(placed("autorecord", 23058, 4))).isZero();
        assertThat(epochs.epoch(23058)).isEqualTo(4);
        assertThat(code(placed("removeroom", 23058, 3))).as("a later placement changed it").isEqualTo(
                CentralCommands.STALE_EPOCH);
    }

    @Test
    void aCommandWithoutAnIdIsStillAnsweredWithAnIdOfNull() throws Exception {
        JsonNode reply = commands.run(frame("{\"command\":\"allroom\"}"));
        assertThat(reply.has("id")).isTrue();
        assertThat(reply.get("id").isNull()).isTrue();
        assertThat(reply.path("code").asInt()).isZero();
    }

    @Test
    void aFailureTheRoutesDidNotHandleIs5000WithoutSecrets() throws Exception {
        JsonNode reply = commands.run(frame("{\"id\":9,\"command\":\"getroom\",\"args\":{\"roomid\":\"boom\"}}"));
        assertThat(reply.path("code").asInt()).isEqualTo(5000);
        assertThat(reply.path("message").asText()).contains("is gone").doesNotContain("hunter2");
    }

    @Test
    void busyRepliesKeepTheCommandsId() throws Exception {
        JsonNode reply = commands.busy(frame("{\"id\":[1,2],\"command\":\"allroom\"}"));
        assertThat(reply.toString()).startsWith("{\"type\":\"reply\",\"id\":[1,2],\"code\":5030,");
    }

    @Test
    void aRemoveroomFromAnEarlierPlacementIsRefusedAndTheRoomStays() throws Exception {
        assertThat(code(placed("addroom", 23058, 1))).isZero();
        // moved to node B (epoch 2: its removeroom here is delayed) and back (epoch 3): the room is still here
        assertThat(code(placed("addroom", 23058, 3))).isEqualTo(4032);

        JsonNode stale;
        try (CapturedLog log = new CapturedLog(CentralCommands.class.getName())) {
            stale = commands.run(placed("removeroom", 23058, 2));
            assertThat(log.lines(Level.INFO)).singleElement().asString()
                    .startsWith("INFO refused a stale command").contains("room 23058", "epoch 2", "epoch 3");
        }

        assertThat(stale.path("code").asInt()).isEqualTo(CentralCommands.STALE_EPOCH);
        assertThat(stale.path("message").asText()).isEqualTo(
                "removeroom of room 23058 is from placement epoch 2, older than the node's epoch 3 for the room");
        assertThat(rooms).containsExactly("23058");
        assertThat(seen).extracting(h -> h.get(CentralCommands.COMMAND_HEADER)).doesNotContain("removeroom");
    }

    @Test
    void aRemovedRoomKeepsItsEpochSoAnOlderAddroomIsRefused() throws Exception {
        assertThat(code(placed("addroom", 23058, 3))).isZero();
        assertThat(code(placed("removeroom", 23058, 4))).isZero();

        assertThat(code(placed("addroom", 23058, 3))).isEqualTo(CentralCommands.STALE_EPOCH);
        assertThat(rooms).isEmpty();
        assertThat(epochs.epoch(23058)).isEqualTo(4);
    }

    @Test
    void aCommandWithTheRoomsEpochRuns() throws Exception {
        assertThat(code(placed("addroom", 23058, 3))).isZero();

        assertThat(code(placed("stoprecording", 23058, 3))).isZero();
        assertThat(code(placed("removeroom", 23058, 3))).isZero();
        assertThat(rooms).isEmpty();
    }

    @Test
    void aCommandThatFailedLeavesTheRoomsEpoch() throws Exception {
        assertThat(code(placed("addroom", 23058, 1))).isZero();
        recorderDown = true;
        assertThat(code(placed("startrecording", 23058, 5))).isEqualTo(5020);
        recorderDown = false;

        assertThat(epochs.epoch(23058)).isEqualTo(1);
        assertThat(code(placed("stoprecording", 23058, 4))).isZero();
    }

    @Test
    void aCommandWithoutAnEpochRunsWhateverTheRoomsEpochAndLeavesIt() throws Exception {
        assertThat(code(placed("addroom", 23058, 5))).isZero();

        assertThat(commands.run(frame("{\"id\":1,\"command\":\"removeroom\",\"args\":{\"roomid\":23058}}"))
                .path("code").asInt()).isZero();
        assertThat(commands.run(frame("{\"id\":2,\"command\":\"addroom\",\"args\":{\"roomid\":23058}}"))
                .path("code").asInt()).isZero();

        assertThat(rooms).containsExactly("23058");
        assertThat(epochs.epoch(23058)).isEqualTo(5);
    }

    @Test
    void commandsAboutOneRoomRunOneAtATimeAndNeverGoBackInEpoch() throws Exception {
        List<Long> sent = new ArrayList<>();
        for (long epoch = 1; epoch <= 16; epoch++) {
            sent.add(epoch);
        }
        Collections.shuffle(sent);
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService senders = Executors.newFixedThreadPool(sent.size());
        Map<Long, Future<Integer>> codes = new ConcurrentHashMap<>();
        try {
            for (long epoch : sent) {
                codes.put(epoch, senders.submit(() -> {
                    epochRun.set(epoch);
                    go.await();
                    return code(placed("startrecording", Long.parseLong(SLOW_ROOM), epoch));
                }));
            }
            go.countDown();
            for (Future<Integer> code : codes.values()) {
                assertThat(code.get(30, TimeUnit.SECONDS)).isIn(0, CentralCommands.STALE_EPOCH);
            }
        } finally {
            senders.shutdownNow();
        }

        assertThat(slowRoomMostBusy.get()).as("commands of the room running at once").isEqualTo(1);
        assertThat(slowRoomRuns).as("the epochs in the order they ran").isSorted().contains(16L);
        assertThat(slowRoomRuns).allSatisfy(epoch -> assertThat(codes.get(epoch).get()).isZero());
        assertThat(epochs.epoch(Long.parseLong(SLOW_ROOM))).isEqualTo(16);
    }

    /** A command about a room from the central server's placement {@code epoch}. */
    private static Command placed(String command, long roomId, long epoch) throws Exception {
        return placed(command, roomId, epoch, command.equals("autorecord") ? ",\"autoRecord\":true" : "");
    }

    /** As {@link #placed(String, long, long)}, with {@code more} arguments (",\"name\":value"). */
    private static Command placed(String command, long roomId, long epoch, String more) throws Exception {
        return (Command) Frames.read("{\"type\":\"command\",\"id\":1,\"command\":\"" + command
                + "\",\"args\":{\"roomid\":" + roomId + more + "},\"epoch\":" + epoch + "}");
    }

    private int code(Command command) throws Exception {
        return commands.run(command).path("code").asInt();
    }

    private String problem(String command) throws Exception {
        JsonNode reply = commands.run(frame(command));
        assertThat(reply.path("code").asInt()).as(command).isEqualTo(4002);
        return reply.path("message").asText();
    }

    /** A command frame as the channel reads it (the tests leave out "type"). */
    private static Command frame(String text) throws Exception {
        ObjectNode frame = (ObjectNode) JSON.readTree(text);
        frame.put("type", "command");
        return (Command) Frames.read(frame.toString());
    }

    /** The replies as they go on the wire. */
    private record Commands(CentralCommands commands) {
        JsonNode run(Command command) throws Exception {
            return JSON.readTree(Frames.write(commands.run(command)));
        }

        JsonNode busy(Command command) throws Exception {
            return JSON.readTree(Frames.write(commands.busy(command)));
        }
    }
}
