package io.nglive.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CommandLineTest {

    @Test
    void whitespaceSeparates() {
        assertThat(CommandLine.split("  rclone\tcopyto  {file}\n remote:bili/{path} "))
                .containsExactly("rclone", "copyto", "{file}", "remote:bili/{path}");
    }

    @Test
    void quotesGroupAndJoinTheTextAroundThem() {
        assertThat(CommandLine.split("rclone copyto {file} \"remote:my videos/{path}\" 'a b'c remote:\"x y\"/z"))
                .containsExactly("rclone", "copyto", "{file}", "remote:my videos/{path}", "a bc", "remote:x y/z");
    }

    @Test
    void emptyQuotesAreAnEmptyArgument() {
        assertThat(CommandLine.split("cmd \"\" ''")).containsExactly("cmd", "", "");
    }

    @Test
    void backslashEscapesInsideDoubleQuotesOnly() {
        assertThat(CommandLine.split("\"say \\\"hi\\\" \\\\ \\$x\" 'it\\s' C:\\dir"))
                .containsExactly("say \"hi\" \\ $x", "it\\s", "C:\\dir");
    }

    @Test
    void otherQuoteKindIsLiteralInsideQuotes() {
        assertThat(CommandLine.split("\"it's\" 'say \"hi\"'")).containsExactly("it's", "say \"hi\"");
    }

    @Test
    void nothingToSplit() {
        assertThat(CommandLine.split("   ")).isEmpty();
    }

    @Test
    void unterminatedQuoteIsAnError() {
        assertThatThrownBy(() -> CommandLine.split("rclone copyto {file} \"remote:{path}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nglive.upload.command")
                .hasMessageContaining("unterminated \" quote");
        assertThatThrownBy(() -> CommandLine.split("cp 'a"))
                .hasMessageContaining("unterminated ' quote");
        assertThatThrownBy(() -> CommandLine.split("cp \"a\\\""))
                .hasMessageContaining("unterminated \" quote");
    }
}
