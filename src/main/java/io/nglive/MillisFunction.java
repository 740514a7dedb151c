package io.nglive;

import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.spi.PropertiesFunction;

/**
 * {@code {{millis:nglive.upload.retry-delay}}}: a duration setting ({@code 10s}, {@code 5m}) as milliseconds, for
 * the Camel options that only take a number, such as a redelivery policy's delays.
 */
final class MillisFunction implements PropertiesFunction {

    private final PropertiesComponent properties;

    MillisFunction(PropertiesComponent properties) {
        this.properties = properties;
    }

    @Override
    public String getName() {
        return "millis";
    }

    @Override
    public String apply(String property) {
        String value = properties.resolveProperty(property)
                .orElseThrow(() -> new InvalidSetting(property, "", "is required"));
        return SettingsReader.parseDuration(value)
                .map(d -> String.valueOf(d.toMillis()))
                .orElseThrow(() -> new InvalidSetting(property, value, "is not a duration"));
    }
}
