package io.nglive;

import java.util.regex.Pattern;

/** Removes secrets from text that may reach a log, an event or an API answer. */
public final class Redaction {

    private static final Pattern AUTHORIZATION =
            Pattern.compile("(?i)\\b((?:proxy-)?authorization\\s*[:=]\\s*)(?:(basic|bearer|digest)\\s+)?\\S+");
    /**
     * Up to the last {@code @} before a space, not only up to the first {@code /}: an unencoded password may hold
     * {@code /}, {@code #} or {@code @}, and a malformed URL is exactly what an error message quotes.
     */
    private static final Pattern USERINFO = Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*://)\\S*@");
    private static final Pattern SECRET_PARAMETER =
            Pattern.compile("(?i)([?&](?:token|access_token|password|pass|secret|key)=)[^&#\\s]*");

    private Redaction() {
    }

    /** {@link #url} and the values of {@code Authorization:} headers, for a tool's output shown to users. */
    public static String secrets(String text) {
        return text == null ? null : AUTHORIZATION.matcher(url(text)).replaceAll("$1$2 ***");
    }

    /** {@code https://user:secret@host/x?token=T} becomes {@code https://***@host/x?token=***}. */
    public static String url(String text) {
        return text == null ? null
                : SECRET_PARAMETER.matcher(USERINFO.matcher(text).replaceAll("$1***@")).replaceAll("$1***");
    }
}
