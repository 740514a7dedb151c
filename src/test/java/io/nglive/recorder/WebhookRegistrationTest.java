package io.nglive.recorder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.nglive.testing.FakeRecorder;

/** WebhookRegistration keeps nglive's URL in the fake recorder's WebHookUrlsV2 without disturbing the user's. */
class WebhookRegistrationTest {

    private static final String NGLIVE = "http://127.0.0.1:8100/webhook?token=t0ken";

    private FakeRecorder fake;
    private RecorderClient client;

    @BeforeEach
    void start() {
        fake = FakeRecorder.start(0, null, null);
        client = new RecorderClient(new RecorderSettings(URI.create(fake.url()), null, null, Duration.ofSeconds(5),
                List.of(), Duration.ofSeconds(10), Duration.ofSeconds(60), NGLIVE));
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    @Test
    void emptySettingBecomesNglivesUrl() {
        new WebhookRegistration(client, NGLIVE).ensure();

        assertThat(fake.webhookUrlsV2()).isEqualTo(NGLIVE);
        assertThat(fake.count("POST /api/config/global")).isEqualTo(1);
    }

    @Test
    void userUrlsAreKeptInOrderAndNglivesIsAppended() {
        fake.setWebhookUrlsV2("http://a.example/hook\nhttp://b.example/x?y=1");

        new WebhookRegistration(client, NGLIVE).ensure();

        assertThat(fake.webhookUrlsV2()).isEqualTo("http://a.example/hook\nhttp://b.example/x?y=1\n" + NGLIVE);
    }

    @Test
    void windowsLineEndsAndBlankLinesAreTidiedWhenAdding() {
        fake.setWebhookUrlsV2("http://a.example/hook\r\n\r\nhttp://b.example/x\r\n");

        new WebhookRegistration(client, NGLIVE).ensure();

        assertThat(fake.webhookUrlsV2()).isEqualTo("http://a.example/hook\nhttp://b.example/x\n" + NGLIVE);
    }

    @Test
    void urlAlreadyPresentIsNotWrittenAgain() {
        String urls = "http://a.example/hook\r\n  " + NGLIVE + "  \nhttp://b.example/x";
        fake.setWebhookUrlsV2(urls);
        WebhookRegistration registration = new WebhookRegistration(client, NGLIVE);

        registration.ensure();
        registration.ensure();

        assertThat(fake.count("GET /api/config/global")).isEqualTo(2);
        assertThat(fake.count("POST /api/config/global")).isZero();
        assertThat(fake.webhookUrlsV2()).isEqualTo(urls);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:8100/webhook?token=old", "http://127.0.0.1:8100/webhook/"})
    void olderUrlOfNgliveIsReplacedAndOtherLinesKept(String older) {
        fake.setWebhookUrlsV2("http://a.example/hook\n" + older + "\nhttp://b.example/x?y=1");

        new WebhookRegistration(client, NGLIVE).ensure();

        assertThat(fake.webhookUrlsV2()).isEqualTo("http://a.example/hook\nhttp://b.example/x?y=1\n" + NGLIVE);
    }

    @Test
    void olderUrlOfNgliveBesideTheCurrentOneIsRemoved() {
        fake.setWebhookUrlsV2(NGLIVE + "\nhttp://a.example/hook\nhttp://127.0.0.1:8100/webhook?token=old");

        new WebhookRegistration(client, NGLIVE).ensure();

        assertThat(fake.webhookUrlsV2()).isEqualTo(NGLIVE + "\nhttp://a.example/hook");
    }

    @Test
    void recorderRestartedWithEmptyConfigIsRegisteredAgain() {
        WebhookRegistration registration = new WebhookRegistration(client, NGLIVE);
        registration.ensure();
        fake.restart(false);

        registration.ensure();

        assertThat(fake.webhookUrlsV2()).isEqualTo(NGLIVE);
        assertThat(fake.count("POST /api/config/global")).isEqualTo(2);
    }

    @Test
    void recorderDownIsLeftForLaterAndRegisteredWhenBack() {
        WebhookRegistration registration = new WebhookRegistration(client, NGLIVE);
        fake.stop();

        assertThatCode(registration::ensure).doesNotThrowAnyException();

        fake.restart(true);
        registration.ensure();
        assertThat(fake.webhookUrlsV2()).isEqualTo(NGLIVE);
    }

    @Test
    void recorderRefusingCredentialsDoesNotThrow() {
        try (FakeRecorder guarded = FakeRecorder.start(0, "brec", "s3cret")) {
            RecorderClient anonymous = new RecorderClient(new RecorderSettings(URI.create(guarded.url()), null, null,
                    Duration.ofSeconds(5), List.of(), Duration.ofSeconds(10), Duration.ofSeconds(60), NGLIVE));

            assertThatCode(new WebhookRegistration(anonymous, NGLIVE)::ensure).doesNotThrowAnyException();
            assertThat(guarded.refusedRequests()).containsExactly("401 GET /api/config/global");
            assertThat(guarded.webhookUrlsV2()).isNull();
        }
    }

    @Test
    void withoutUrlNothingIsAsked() {
        fake.setWebhookUrlsV2("http://a.example/hook");

        new WebhookRegistration(client, null).ensure();

        assertThat(fake.requests()).isEmpty();
        assertThat(fake.refusedRequests()).isEmpty();
        assertThat(fake.webhookUrlsV2()).isEqualTo("http://a.example/hook");
    }

    @ParameterizedTest
    @CsvSource({
        "http://127.0.0.1:8100/webhook?token=a, http://127.0.0.1:8100/webhook?token=b",
        "http://127.0.0.1:8100/webhook/,        http://127.0.0.1:8100/webhook?token=b",
        "HTTP://LocalHost:8100/webhook,         http://localhost:8100/webhook",
        "http://nglive.lan/webhook,             http://nglive.lan:80/webhook",
        "https://nglive.lan/webhook,            https://nglive.lan:443/webhook#x",
    })
    void sameEndpoint(String a, String b) {
        assertThat(WebhookRegistration.sameEndpoint(a, b)).isTrue();
        assertThat(WebhookRegistration.sameEndpoint(b, a)).isTrue();
    }

    @ParameterizedTest
    @CsvSource({
        "http://127.0.0.1:8101/webhook?token=a,  http://127.0.0.1:8100/webhook?token=a",
        "http://127.0.0.2:8100/webhook,          http://127.0.0.1:8100/webhook",
        "http://localhost:8100/webhook,          http://127.0.0.1:8100/webhook",
        "http://127.0.0.1:8100/webhook2,         http://127.0.0.1:8100/webhook",
        "http://127.0.0.1:8100/Webhook,          http://127.0.0.1:8100/webhook",
        "http://127.0.0.1:8100/,                 http://127.0.0.1:8100/webhook",
        "https://127.0.0.1:8100/webhook,         http://127.0.0.1:8100/webhook",
        "http://nglive.lan:443/webhook,          https://nglive.lan/webhook",
        "not a url,                              http://127.0.0.1:8100/webhook",
        "/webhook,                               http://127.0.0.1:8100/webhook",
    })
    void differentEndpoint(String a, String b) {
        assertThat(WebhookRegistration.sameEndpoint(a, b)).isFalse();
        assertThat(WebhookRegistration.sameEndpoint(b, a)).isFalse();
    }
}
