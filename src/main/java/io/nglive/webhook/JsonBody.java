package io.nglive.webhook;

import java.util.Locale;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** Reads a webhook body as a bounded JSON object, and its fields by type, naming what is wrong in the words of the sender. */
final class JsonBody {

    private final ObjectMapper json;

    JsonBody() {
        json = JsonMapper.builder().build();
        json.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(64).maxStringLength(1 << 20).build());
    }

    /**
     * The body's JSON object. {@code maxChars} bounds what one request can make nglive store and hold in memory, far
     * below the HTTP limit (camel.server.max-body-size); {@code expected} names the body, e.g. "a blrec webhook".
     */
    JsonNode object(String body, String expected, int maxChars) {
        if (body == null || body.isBlank()) {
            throw new WebhookRejected("empty body: expected " + expected + " JSON object");
        }
        if (body.length() > maxChars) {
            throw new WebhookRejected("body of " + body.length() + " characters: longer than the " + maxChars
                    + " " + expected + " can need");
        }
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (StreamConstraintsException e) {
            throw new WebhookRejected("JSON too large or too deeply nested: " + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw new WebhookRejected("malformed JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new WebhookRejected("expected a JSON object, got " + describe(root));
        }
        return root;
    }

    /** A JSON value as plain Java (maps, lists, strings, numbers), ready to be published. */
    Object plain(JsonNode node) {
        return json.convertValue(node, Object.class);
    }

    /** A string field, shown in messages as {@code shownAs} (e.g. {@code data.path}); null when absent and not required. */
    static String text(JsonNode parent, String name, String shownAs, boolean required) {
        JsonNode node = parent.get(name);
        if (node == null || node.isNull()) {
            if (required) {
                throw new WebhookRejected("missing " + shownAs);
            }
            return null;
        }
        if (!node.isTextual()) {
            throw new WebhookRejected(shownAs + ": expected a string, got " + describe(node));
        }
        if (node.asText().isBlank()) {
            throw new WebhookRejected(shownAs + ": must not be empty");
        }
        return node.asText();
    }

    /** A required whole-number field, such as a room id. */
    static long wholeNumber(JsonNode parent, String name, String shownAs) {
        JsonNode node = parent.get(name);
        if (node == null || node.isNull()) {
            throw new WebhookRejected("missing " + shownAs);
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            throw new WebhookRejected(shownAs + ": expected a whole number, got "
                    + (node.isNumber() ? node.toString() : describe(node)));
        }
        return node.longValue();
    }

    /** A required object field. */
    static JsonNode object(JsonNode parent, String name, String shownAs) {
        JsonNode node = parent.get(name);
        if (node == null || !node.isObject()) {
            throw new WebhookRejected(shownAs + ": expected an object, got " + describe(node));
        }
        return node;
    }

    static void limit(String name, String value, int max) {
        if (value.length() > max) {
            throw new WebhookRejected(name + ": longer than " + max + " characters");
        }
    }

    static String describe(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "nothing";
        }
        return node.getNodeType().name().toLowerCase(Locale.ROOT);
    }
}
