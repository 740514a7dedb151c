package io.nglive.api;

/**
 * Which slice of a list an API answers ({@code ?limit=&offset=}), the same rule on a node and on the central server:
 * {@code limit} from 1 to {@value #MAX_LIMIT} (default {@value #DEFAULT_LIMIT}), {@code offset} from 0; anything else
 * is refused with 400 {@code code 4002} naming the parameter, rather than quietly answered with another slice.
 */
public record Page(int limit, int offset) {

    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 1000;

    public static Page of(String limit, String offset) {
        return new Page(number("limit", limit, DEFAULT_LIMIT, 1, MAX_LIMIT),
                number("offset", offset, 0, 0, Integer.MAX_VALUE));
    }

    private static int number(String name, String value, int absent, int min, int max) {
        return value == null || value.isBlank() ? absent : (int) Parameters.wholeNumber(name, value, min, max);
    }
}
