package io.nglive.api;

/** The API's numeric parameters: a whole number within bounds, or 400 {@code code 4002} naming the parameter. */
final class Parameters {

    private Parameters() {
    }

    static long wholeNumber(String name, String value, long min, long max) {
        try {
            long n = Long.parseLong(value.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        String shown = value.length() > 40 ? value.substring(0, 40) + "..." : value;
        throw new ApiError(400, JobsApi.BAD_ARGUMENT, name + " must be a whole number "
                + (max == Long.MAX_VALUE ? min + " or more" : "from " + min + " to " + max) + ", not '" + shown + "'");
    }
}
