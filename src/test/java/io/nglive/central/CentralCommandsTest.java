package io.nglive.central;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nglive.protocol.Command;
import io.nglive.protocol.Frames;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The checks a command passes before it reaches the route, and what the route gets. The route itself (the same
 * beans as the HTTP API, its error codes) runs in CentralIT against the packaged application.
 */
class CentralCommandsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    CamelContext camel;
    Commands commands;
    final List<Map<String, Object>> seen = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
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
                    exchange.getMessage().setBody("{\"code\":0,\"data\":\"done\"}".getBytes(StandardCharsets.UTF_8));
                });
            }
        });
        camel.start();
        commands = new Commands(new CentralCommands(camel, JSON));
    }

    @AfterEach
    void stop() {
        camel.stop();
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
        for (String name : List.of("allroom", "getroom", "addroom", "removeroom", "jobs", "retryjob",
                "startrecording", "stoprecording", "split")) {
            String args = name.equals("retryjob") ? "{\"id\":1}" : "{\"roomid\":1}";
            if (name.equals("allroom")) {
                args = "{}";
            }
            JsonNode reply = commands.run(frame("{\"id\":1,\"command\":\"" + name + "\",\"args\":" + args + "}"));
            assertThat(reply.path("code").asInt()).as(name).isZero();
        }
        assertThat(CentralCommands.names()).hasSize(9).startsWith("allroom");
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
