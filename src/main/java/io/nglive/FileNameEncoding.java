package io.nglive;

import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * On Linux the JVM names files in the charset of the locale it started under, and cannot be told otherwise
 * ({@code -Dsun.jnu.encoding} is ignored). Under {@code LC_ALL=C} it cannot name a file called 录播.flv at all, and
 * every webhook about one would be refused; so nglive refuses to start instead, saying what to set.
 */
final class FileNameEncoding {

    private FileNameEncoding() {
    }

    /** The reason this JVM cannot name files in UTF-8, or empty when it can. */
    static Optional<String> problem(Properties system, Map<String, String> environment) {
        if (system.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows")) {
            return Optional.empty(); // Windows names files in UTF-16 whatever the code page
        }
        String encoding = system.getProperty("sun.jnu.encoding", "");
        if (isUtf8(encoding)) {
            return Optional.empty();
        }
        return Optional.of("the locale (" + localeSetting(environment) + ") makes Java name files in " + encoding
                + ", so recordings with Chinese names could not be opened: start nglive with LANG=C.UTF-8 and"
                + " LC_ALL unset or C.UTF-8 (bin/nglive does this by itself)");
    }

    private static boolean isUtf8(String encoding) {
        try {
            return Charset.forName(encoding).equals(StandardCharsets.UTF_8);
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            return false;
        }
    }

    /** The variable that decides the charset, as the C library reads them: LC_ALL, then LC_CTYPE, then LANG. */
    private static String localeSetting(Map<String, String> environment) {
        for (String name : new String[] {"LC_ALL", "LC_CTYPE", "LANG"}) {
            String value = environment.get(name);
            if (value != null && !value.isEmpty()) {
                return name + "=" + value;
            }
        }
        return "LANG and LC_ALL unset";
    }
}
