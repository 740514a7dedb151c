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
import io.nglive.protocol.Command;
import io.nglive.protocol.Reply;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.apache.camel.ProducerTemplate;

/**
 * The central server's commands: checked here (name and arguments), then run by the route {@code central-command}
 * (routes/90-central.camel.yaml) through the same beans as the HTTP API, so that a command answers exactly what
 * its HTTP twin would. The answer becomes the {@link Reply}.
 */
public final class CentralCommands {

    public static final int UNKNOWN_COMMAND = 4001;
    public static final int BAD_ARGUMENTS = 4002;
    /** Answered when more commands are waiting than {@link CentralChannel} runs at once plus its queue. */
    public static final int BUSY = 5030;

    static final String ENDPOINT = "direct:central-command";
    static final String COMMAND_HEADER = "NgliveCommand";

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
        commands.put("addroom", new Arguments(Set.of("roomid"), Set.of("autoRecord")));
        commands.put("removeroom", Arguments.of("roomid"));
        commands.put("jobs", new Arguments(Set.of(), Set.of("status", "roomid", "limit")));
        commands.put("retryjob", Arguments.of("id"));
        commands.put("startrecording", Arguments.of("roomid"));
        commands.put("stoprecording", Arguments.of("roomid"));
        commands.put("split", Arguments.of("roomid"));
        return Collections.unmodifiableMap(commands);
    }

    private final CamelContext camel;
    private final ObjectMapper json;
    private volatile ProducerTemplate template;

    public CentralCommands(CamelContext camel, ObjectMapper json) {
        this.camel = camel;
        this.json = json;
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
                    throw new ApiError(400, BAD_ARGUMENTS, command + " has no argument \"" + shown(arg.getKey())
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

    private static ApiError unknownCommand(String command) {
        return new ApiError(400, UNKNOWN_COMMAND, "unknown command \"" + shown(command) + "\" (the commands: "
                + names() + ")");
    }

    private static String shown(String text) {
        return text.length() > 64 ? text.substring(0, 64) + "..." : text;
    }
}
