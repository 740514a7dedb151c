package io.nglive.upload;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits {@code nglive.upload.command} into an executable and its arguments, the way a shell would split a
 * simple command line but without running one: no variables, globs, pipes or {@code ;}.
 */
public final class CommandLine {

    private CommandLine() {
    }

    /**
     * Whitespace separates arguments; {@code '...'} and {@code "..."} group (the quotes are removed, and quoted
     * parts join the text around them, as in {@code remote:"my dir"/{path}}); inside double quotes a backslash
     * takes the next character literally. Elsewhere a backslash is an ordinary character.
     *
     * @throws IllegalArgumentException when a quote is not closed
     */
    public static List<String> split(String line) {
        List<String> arguments = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean inArgument = false;
        char quote = 0;
        int quoteStart = -1;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote == '\'') {
                if (c == '\'') {
                    quote = 0;
                } else {
                    current.append(c);
                }
            } else if (quote == '"') {
                if (c == '"') {
                    quote = 0;
                } else if (c == '\\' && i + 1 < line.length()) {
                    current.append(line.charAt(++i));
                } else {
                    current.append(c);
                }
            } else if (Character.isWhitespace(c)) {
                if (inArgument) {
                    arguments.add(current.toString());
                    current.setLength(0);
                    inArgument = false;
                }
            } else {
                inArgument = true;
                if (c == '\'' || c == '"') {
                    quote = c;
                    quoteStart = i;
                } else {
                    current.append(c);
                }
            }
        }
        if (quote != 0) {
            throw new IllegalArgumentException("nglive.upload.command has an unterminated " + quote
                    + " quote (opened at character " + (quoteStart + 1) + "): " + line);
        }
        if (inArgument) {
            arguments.add(current.toString());
        }
        return arguments;
    }
}
