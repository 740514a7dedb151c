package io.nglive;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RedactionTest {

    @Test
    void urlUserinfoIsHiddenEvenWithAnAtInThePassword() {
        assertThat(Redaction.url("PUT https://rec:se@cret@dav.example/live failed"))
                .isEqualTo("PUT https://***@dav.example/live failed");
    }

    @Test
    void urlUserinfoIsHiddenWhenAnUnencodedPasswordHasASlashOrAHash() {
        // such a URL is malformed, and exactly then the setting's value is shown in an error message
        assertThat(Redaction.url("nglive.upload.url=http://rec:se/cr#et@dav.example/live: is not a valid URL"))
                .isEqualTo("nglive.upload.url=http://***@dav.example/live: is not a valid URL");
    }

    @Test
    void authorizationHeaderValuesInToolOutputAreHidden() {
        String output = "> PUT /live/a.mp4\n> Authorization: Basic dXNlcjpwYXNz\nproxy-authorization=Bearer abc.def\n< 507";

        assertThat(Redaction.secrets(output))
                .doesNotContain("dXNlcjpwYXNz").doesNotContain("abc.def")
                .contains("Authorization: Basic ***").contains("< 507");
    }
}
