package io.nglive;

/** A configuration value nglive cannot start with. The message names the property and what is wrong with it. */
public class InvalidSetting extends RuntimeException {

    public InvalidSetting(String property, String value, String problem) {
        super(property + "=" + (value == null ? "" : value) + ": " + problem);
    }

    public InvalidSetting(String message) {
        super(message);
    }
}
