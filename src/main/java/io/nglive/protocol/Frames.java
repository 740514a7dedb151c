package io.nglive.protocol;

import java.util.Set;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Reads and writes the central channel's frames; a frame that is not one says why. */
public final class Frames {

    /** Fields a newer peer may add are ignored, so that old nodes and new central servers understand each other. */
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL);
    private static final Set<String> CONTROL = Set.of("hello", "ack", "command", "reply");

    private Frames() {
    }

    public static String write(Frame frame) {
        if (frame instanceof Event event) {
            return event.body().toString();
        }
        ObjectNode node = JSON.createObjectNode().put("type", frame.type());
        node.setAll((ObjectNode) JSON.valueToTree(frame));
        if (frame instanceof Command command && command.id() != null && command.id().isNull()) {
            node.set("id", command.id());
        }
        if (frame instanceof Reply reply && reply.id() != null) {
            node.set("id", reply.id());
        }
        return node.toString();
    }

    /** @throws BadFrame naming what is wrong: not JSON, no type, or a field of the wrong kind */
    public static Frame read(String text) {
        JsonNode tree;
        try {
            tree = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new BadFrame("not JSON: " + e.getOriginalMessage());
        }
        if (tree == null || !tree.isObject()) {
            throw new BadFrame("not a JSON object");
        }
        String type = tree.path("type").asText("");
        if (type.isEmpty()) {
            throw new BadFrame("has no \"type\"");
        }
        if (!CONTROL.contains(type)) {
            if (!tree.path("seq").canConvertToLong()) {
                throw new BadFrame("a " + shown(type) + " event without a numeric \"seq\"");
            }
            return new Event(tree.get("seq").asLong(), type, (ObjectNode) tree);
        }
        return switch (type) {
            case "hello" -> hello(tree);
            case "ack" -> {
                if (!tree.path("seq").canConvertToLong()) {
                    throw new BadFrame("an ack without a numeric \"seq\"");
                }
                yield new Ack(tree.get("seq").asLong());
            }
            case "command" -> new Command(tree.get("id"), tree.path("command").isTextual()
                    ? tree.get("command").asText() : null, tree.get("args"),
                    tree.path("epoch").canConvertToLong() ? tree.get("epoch").asLong() : null);
            default -> new Reply(tree.get("id"), tree.path("code").asInt(),
                    tree.path("message").isTextual() ? tree.get("message").asText() : null, tree.get("data"));
        };
    }

    private static Hello hello(JsonNode tree) {
        for (String field : new String[] {"node", "nodeId"}) {
            if (!tree.path(field).isTextual() || tree.get(field).asText().isBlank()) {
                throw new BadFrame("a hello without \"" + field + "\"");
            }
        }
        try {
            return JSON.treeToValue(tree, Hello.class);
        } catch (JsonProcessingException e) {
            throw new BadFrame("a hello with a field of the wrong kind: " + e.getOriginalMessage());
        }
    }

    /** A value a peer sent, as an error message quotes it: its first 64 characters. */
    public static String shown(String text) {
        return text.length() > 64 ? text.substring(0, 64) + "..." : text;
    }

    /** A frame that cannot be read; the message says why. */
    public static final class BadFrame extends IllegalArgumentException {
        public BadFrame(String message) {
            super(message);
        }
    }
}
