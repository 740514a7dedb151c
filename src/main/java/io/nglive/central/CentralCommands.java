package io.nglive.central;

import java.io.IOException;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nglive.Redaction;
import io.nglive.api.ApiError;
import io.nglive.api.RoomsApi;
import io.nglive.protocol.Command;
import io.nglive.protocol.Frames;
import io.nglive.protocol.Reply;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The central server's commands: checked here (name and arguments), then run by the route {@code central-command}
 * (routes/90-central.camel.yaml) through the same beans as the HTTP API, so that a command answers exactly what
 * its HTTP twin would. The answer becomes the {@link Reply}. A command about a room that carries an epoch older than
 * the room's in {@link RoomEpochs} comes from an earlier placement and is refused.
 */
public final class CentralCommands {

    public static final int UNKNOWN_COMMAND = 4001;
    public static final int BAD_ARGUMENTS = 4002;
    /** Answered to a command whose epoch is older than the last one the node saw for its room. */
    public static final int STALE_EPOCH = 4096;
    /** Answered when more commands are waiting than {@link CentralChannel} runs at once plus its queue. */
    public static final int BUSY = 5030;

    static final String ENDPOINT = "direct:central-command";
    static final String COMMAND_HEADER = "NgliveCommand";

    private static final Logger LOG = LoggerFactory.getLogger(CentralCommands.class);
    /** The commands whose epoch is checked: those that change a room or its recording. */
    private static final Set<String> PLACEMENT_COMMANDS =
            Set.of("addroom", "removeroom", "autorecord", "startrecording", "stoprecording", "split");
    /**
     * The answers after which the room's epoch is raised: done, or nothing to do (already added, not in the list).
     * A failure changed nothing, so it leaves the epoch where it was.
     */
    private static final Set<Integer> EPOCH_RAISING = Set.of(0, RoomsApi.ALREADY_ADDED, RoomsApi.ROOM_NOT_FOUND);

    /** Each command's arguments: the required ones, then the optional ones. */
    private record Arguments(Set<String> required, Set<String> optional) {
        static Arguments of(String... required) {
            return new Arguments(Set.of(required), Set.of());
        }

        List<String> all() {
            return Stream.concat(required.stream().sorted(), optional.stream().sorted()).toList();
        }
    }

    private static final Map<String, Arguments> COMMANDS = commands();

    private static Map<String, Arguments> commands() {
        Map<String, Arguments> commands = new LinkedHashMap<>();
        commands.put("allroom", Arguments.of());
        commands.put("getroom", Arguments.of("roomid"));
        commands.put("addroom", new Arguments(Set.of("roomid"), Set.of("autoRecord", "replicas")));
        commands.put("removeroom", Arguments.of("roomid"));
        commands.put("autorecord", Arguments.of("roomid", "autoRecord"));
        commands.put("jobs", new Arguments(Set.of(), Set.of("status", "roomid", "limit", "offset")));
        commands.put("retryjob", Arguments.of("id"));
        commands.put("uploadrole", new Arguments(Set.of("roomid", "session", "role"), Set.of("primary")));
        commands.put("startrecording", Arguments.of("roomid"));
        commands.put("stoprecording", Arguments.of("roomid"));
        commands.put("split", Arguments.of("roomid"));
        return Collections.unmodifiableMap(commands);
    }

    private final CamelContext camel;
    private final ObjectMapper json;
    private final RoomEpochs epochs;
    private volatile ProducerTemplate template;

    public CentralCommands(CamelContext camel, ObjectMapper json, RoomEpochs epochs) {
        this.camel = camel;
        this.json = json;
        this.epochs = epochs;
    }

    /** The command names, in the order the protocol lists them. */
    public static List<String> names() {
        return List.copyOf(COMMANDS.keySet());
    }

    /** Runs one command and returns its reply (never throws: every failure is a reply with a code). */
    public Reply run(Command command) {
        JsonNode answer;
        try {
            answer = answer(command);
        } catch (ApiError e) {
            answer = json.valueToTree(e.getAnswer());
        }
        return new Reply(command.id() == null ? json.nullNode() : command.id(), answer.path("code").asInt(),
                answer.path("message").isTextual() ? answer.get("message").asText() : null, answer.get("data"));
    }

    /** The reply to a command that could not run because too many are waiting. */
    public Reply busy(Command command) {
        return new Reply(command.id() == null ? json.nullNode() : command.id(), BUSY,
                "too many commands at once: try again when earlier ones have been answered", null);
    }

    /** The route's answer to a command name it has no branch for (one added here but not to the route). */
    public Map<String, Object> unknown(@Header(COMMAND_HEADER) String command) {
        throw unknownCommand(command);
    }

    private JsonNode answer(Command frame) {
        String command = frame.command();
        if (command == null) {
            throw new ApiError(400, BAD_ARGUMENTS, "a command needs \"command\": one of " + names());
        }
        Arguments expected = COMMANDS.get(command);
        if (expected == null) {
            throw unknownCommand(command);
        }
        Map<String, Object> headers = arguments(command, expected, frame.args());
        headers.put(COMMAND_HEADER, command);
        Long roomId = frame.epoch() != null && PLACEMENT_COMMANDS.contains(command)
                ? roomId((String) headers.get("roomid")) : null;
        if (roomId == null) {
            return route(headers);
        }
        return epochs.locked(roomId, () -> inPlacement(roomId, frame, headers));
    }

    /** Runs a command about a room unless a later placement's came first; raises the room's epoch when it is done. */
    private JsonNode inPlacement(long roomId, Command frame, Map<String, Object> headers) {
        long known = epochs.epoch(roomId);
        if (frame.epoch() < known) {
            String stale = frame.command() + " of room " + roomId + " is from placement epoch " + frame.epoch()
                    + ", older than the node's epoch " + known + " for the room";
            LOG.info("refused a stale command: {}", stale);
            throw new ApiError(409, STALE_EPOCH, stale);
        }
        JsonNode answer = route(headers);
        if (EPOCH_RAISING.contains(answer.path("code").asInt())) {
            epochs.raise(roomId, frame.epoch());
        }
        return answer;
    }

    private JsonNode route(Map<String, Object> headers) {
        Exchange done = template().send(ENDPOINT, exchange -> exchange.getMessage().setHeaders(headers));
        if (done.getException() != null) {
            throw new ApiError(500, 5000, Redaction.secrets(String.valueOf(done.getException().getMessage())));
        }
        try {
            // direct:answer-json answers a String: as bytes it would be encoded in the platform's charset
            return json.readTree(done.getMessage().getBody(String.class));
        } catch (IOException e) {
            throw new ApiError(500, 5000, "the command's answer is not JSON: " + e.getMessage());
        }
    }

    private ProducerTemplate template() {
        if (template == null) {
            synchronized (this) {
                if (template == null) {
                    template = camel.createProducerTemplate();
                }
            }
        }
        return template;
    }

    private static Map<String, Object> arguments(String command, Arguments expected, JsonNode args) {
        if (args != null && !args.isNull() && !args.isObject()) {
            throw new ApiError(400, BAD_ARGUMENTS, "\"args\" must be an object, like {\"roomid\": 23058}, not "
                    + args.getNodeType().toString().toLowerCase(Locale.ROOT));
        }
        Map<String, Object> headers = new LinkedHashMap<>();
        if (args != null && args.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = args.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> arg = it.next();
                if (!expected.required().contains(arg.getKey()) && !expected.optional().contains(arg.getKey())) {
                    throw new ApiError(400, BAD_ARGUMENTS, command + " has no argument \"" + Frames.shown(arg.getKey())
                            + "\" (its arguments: " + (expected.all().isEmpty() ? "none" : expected.all()) + ")");
                }
                JsonNode value = arg.getValue();
                if (value.isContainerNode()) {
                    throw new ApiError(400, BAD_ARGUMENTS, command + "'s argument \"" + arg.getKey()
                            + "\" must be a number or a string");
                }
                if (!value.isNull()) {
                    headers.put(arg.getKey(), value.asText());
                }
            }
        }
        for (String name : expected.required()) {
            if (!headers.containsKey(name)) {
                throw new ApiError(400, BAD_ARGUMENTS, command + " needs args." + name);
            }
        }
        return headers;
    }

    /** The room a command names; null when it is not a number (the route answers that it is a bad room id). */
    private static Long roomId(String roomId) {
        try {
            return Long.parseLong(roomId);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static ApiError unknownCommand(String command) {
        return new ApiError(400, UNKNOWN_COMMAND, "unknown command \"" + Frames.shown(command) + "\" (the commands: "
                + names() + ")");
    }
}
